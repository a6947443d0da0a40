package diagnose

import (
	"fmt"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// Which closes the timeout rules take for a timer, and which side made
// them. An idle timer is seen as a silence before the close longer than
// any the connection survived; a lifetime timer as closes a fixed time
// after the request. A close on the lane fetched directly is the
// application's (or its HTTP server's) own doing: no proxy is on that
// path, so no proxy setting is the fix.

// idleMargin is how much longer than the longest earlier silence the
// silence before a close must be to count as an idle timeout: a stream
// that sends an event every second and ends a second after its last one
// shows two equal silences, measured a few hundred microseconds apart.
func idleMargin(longest time.Duration) time.Duration {
	return max(100*time.Millisecond, longest/10)
}

// isIdleClose reports whether a close came after a silence clearly longer
// than any the connection had survived before: the mark of a timer
// counted from the last byte.
func isIdleClose(dc *Disconnect) bool {
	return closedByServerSide(dc) && dc.Idle.D() >= minIdleTimeout && dc.Idle.D() > dc.LongestGap.D()+idleMargin(dc.LongestGap.D())
}

// finishedStream reports whether a close on a lane with no proxy on its
// path is the application ending its stream: a clean end that came no
// later after the last event than the stream's own cadence.
func (f *laneFacts) finishedStream(dc *Disconnect) bool {
	return f.role == RoleDirect && dc.Cause == inspector.CauseEOF && dc.Discarded == 0 &&
		dc.Idle.D() <= 2*dc.LongestGap.D()+idleMargin(dc.LongestGap.D())
}

// lifetimeLike reports whether an idle-looking close is as well explained
// by a timer counted from the request: the last byte came right after the
// request (one event, then silence), and the close's lifetime matches a
// known lifetime default. On the lane fetched directly no proxy's idle
// timeout can be on the path, so the application's timer wins the tie.
func (f *laneFacts) lifetimeLike(dc *Disconnect) (knownTimeout, bool) {
	if dc.Lifetime.D()-dc.Idle.D() > max(500*time.Millisecond, dc.Lifetime.D()/10) {
		return knownTimeout{}, false
	}
	k, ok := matchKnown(dc.Lifetime.D(), lifetimeDefaults)
	if !ok {
		return knownTimeout{}, false
	}
	if _, idleKnown := matchKnown(dc.Idle.D(), idleDefaults); idleKnown && f.role != RoleDirect {
		return knownTimeout{}, false
	}
	return k, true
}

// idleCloses returns the lane's closes taken for an idle timeout.
func (f *laneFacts) idleCloses() []*Disconnect {
	var out []*Disconnect
	for i := range f.disconnects {
		dc := &f.disconnects[i]
		if !isIdleClose(dc) || f.finishedStream(dc) {
			continue
		}
		if _, ok := f.lifetimeLike(dc); ok {
			continue
		}
		out = append(out, dc)
	}
	return out
}

// sameCloses reports whether the reference lane was closed at about the
// same times as every one of closes: then the origin closed both, and the
// proxied lane only passed the close on.
func (d *diag) sameCloses(l *laneFacts, closes []*Disconnect) bool {
	if l.role != RoleProxied || d.ref == nil || len(closes) == 0 {
		return false
	}
	for _, dc := range closes {
		found := false
		for _, rc := range d.ref.disconnects {
			if closedByServerSide(&rc) && (rc.End.D()-dc.End.D()).Abs() <= time.Second {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// passedOnEvidence says which proxied lanes showed the reference's closes.
func (d *diag) passedOnEvidence(kind func(*laneFacts) []*Disconnect) (lanes []int, evidence []string) {
	for _, p := range d.proxied() {
		if closes := kind(p); d.sameCloses(p, closes) {
			lanes = append(lanes, p.id())
			evidence = append(evidence, fmt.Sprintf("%s was closed at the same times: the origin's close passed through the proxy",
				p.name()))
		}
	}
	return lanes, evidence
}

// appIdleFix is the fix for idle closes made by the application's side.
func appIdleFix(timeout time.Duration) string {
	return fmt.Sprintf(`The origin itself ends the stream after %s of silence: no proxy is on the direct path. Raise or remove
the stream's timeout in the application or its HTTP server (Node: server.requestTimeout / server.timeout; Go:
http.Server WriteTimeout; Spring: the SseEmitter timeout; a framework's stream timeout), or, since the timer counts
idle time, send a heartbeat comment more often:
    : ping
    (followed by a blank line)`, fmtSecs(timeout))
}

// appLifetimeFix is the fix for lifetime closes made by the application's side.
const appLifetimeFix = `The origin itself ends the stream a fixed time after the request: no proxy is on the direct path, and
heartbeats cannot help (the timer counts from the request, not from the last byte). Raise or remove the timeout:
    Spring:       new SseEmitter(0L) (no timeout) or a longer one, or spring.mvc.async.request-timeout=-1
    Tomcat:       asyncTimeout on the connector (30 s by default)
    others:       the framework's stream or request timeout
and give events ids and resume from Last-Event-ID, so that the reconnects lose nothing.`
