package diagnose

import (
	"fmt"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// Rules for connections something closes on a timer: counted from the last
// byte (an idle timeout) or from the request (a fixed lifetime), the bodies
// they leave truncated, and the missing heartbeats that let idle timeouts
// fire.

// knownTimeout is a default timeout of a well-known component.
type knownTimeout struct {
	after time.Duration
	who   string
}

// idleDefaults are timeouts counted from the last byte.
var idleDefaults = []knownTimeout{
	{30 * time.Second, "CloudFront's origin read timeout (30 s)"},
	{50 * time.Second, "HAProxy's timeout server/client (50 s in Debian's haproxy.cfg)"},
	{55 * time.Second, "Heroku's router (55 s rolling idle timeout)"},
	{60 * time.Second, "nginx's proxy_read_timeout or send_timeout, or an AWS ALB idle timeout (60 s)"},
	{100 * time.Second, "Cloudflare (100 s)"},
	{300 * time.Second, "Apache's ProxyTimeout (300 s) or Envoy's stream_idle_timeout (300 s)"},
}

// lifetimeDefaults are timeouts counted from the request.
var lifetimeDefaults = []knownTimeout{
	{15 * time.Second, "Envoy's route timeout (15 s for the whole response)"},
	{30 * time.Second, "the servlet container's async timeout (Tomcat, Spring SseEmitter: 30 s) or Heroku's 30 s first-byte limit"},
}

// matchKnown returns the known component whose timeout d matches. The
// close is seen a little after the timer fires, but it may also fire a
// little early: nginx leaves an armed timer alone when re-arming would move
// it by less than 300 ms, so its idle timeouts end 0–300 ms short of N
// after the last byte.
func matchKnown(d time.Duration, table []knownTimeout) (knownTimeout, bool) {
	for _, k := range table {
		early := 350*time.Millisecond + k.after/200
		late := 500*time.Millisecond + k.after/100
		if d >= k.after-early && d <= k.after+late {
			return k, true
		}
	}
	return knownTimeout{}, false
}

// minIdleTimeout is the shortest silence before a close taken for a
// timeout: a server ending its stream closes right after its last event.
const minIdleTimeout = time.Second

// closedByServerSide reports whether the server side ended the
// connection on its own, not to refuse the stream.
func closedByServerSide(dc *Disconnect) bool {
	return dc.By == ClosedByServer && dc.Cause != inspector.CauseHTTPStatus && dc.Cause != inspector.CauseContentType
}

// abrupt reports whether the body was cut rather than finished.
func abrupt(dc *Disconnect) bool {
	return dc.Cause == inspector.CauseIncompleteChunked || dc.Cause == inspector.CauseReset || dc.Discarded > 0
}

// heartbeatFix is the fix for silences that idle timeouts cut, given the
// timeout to beat (0 when unknown).
func heartbeatFix(timeout time.Duration) string {
	every := "more often than the shortest idle timeout on the path, e.g. every 15 s (the spec's recommendation)"
	if timeout > 0 {
		// Half the timeout leaves room for a late beat; the spec's 15 s
		// is enough below any common default.
		beat := min(heartbeatInterval, (timeout / 2).Round(100*time.Millisecond))
		every = fmt.Sprintf("more often than every %s, e.g. every %s", fmtSecs(timeout), fmtSecs(beat))
	}
	return "Send a heartbeat comment " + every + `:
    : ping
    (followed by a blank line)
or raise the timeout on the path: nginx proxy_read_timeout / send_timeout, HAProxy timeout server / timeout client,
the load balancer's idle timeout.`
}

func checkIdleTimeout(d *diag) []Finding {
	var out []Finding
	for _, l := range d.sseLanes() {
		closes := l.idleCloses()
		if len(closes) == 0 || d.sameCloses(l, closes) {
			continue // none, or the origin's own closes passed on
		}
		first := closes[0]
		n := first.Idle.D()
		f := Finding{ID: "idle-timeout", Severity: SeverityWarning, Confidence: 0.7, Lanes: []int{l.id()},
			Fix: heartbeatFix(n)}
		f.Title = fmt.Sprintf("%s is closed %s after its last byte: an idle timeout", l.name(), fmtSecs(n))
		if l.role == RoleDirect {
			f.Title = fmt.Sprintf("%s: the application (or its HTTP server) closes the stream %s after its last byte: "+
				"its own idle timeout", l.name(), fmtSecs(n))
			f.Fix = appIdleFix(n)
			lanes, ev := d.passedOnEvidence(func(p *laneFacts) []*Disconnect { return p.idleCloses() })
			f.Lanes = append(f.Lanes, lanes...)
			f.Evidence = append(f.Evidence, ev...)
		} else if k, ok := matchKnown(n, idleDefaults); ok {
			f.Title += " (" + k.who + ")"
			f.Confidence = 0.9
		}
		for i, dc := range closes {
			if i == 3 {
				f.Evidence = append(f.Evidence, fmt.Sprintf("… and %d more closes like these", len(closes)-3))
				break
			}
			f.Evidence = append(f.Evidence, fmt.Sprintf("%s: connection %d closed by the %s (%s) at %s, %s after the last byte "+
				"and %s after the request; the longest silence before it was %s",
				l.name(), dc.Conn+1, dc.By, dc.Cause, fmtDur(dc.End), fmtSecs(dc.Idle), fmtSecs(dc.Lifetime), fmtDur(dc.LongestGap)))
		}
		if first.Cause == inspector.CauseIncompleteChunked {
			f.Confidence = max(f.Confidence, 0.85)
			f.Evidence = append(f.Evidence, "the body ended without its terminating chunk, as a proxy timing out leaves it "+
				"(Chrome: ERR_INCOMPLETE_CHUNKED_ENCODING)")
			f.Fix += "\nThe cut chunked body is what Chrome shows as net::ERR_INCOMPLETE_CHUNKED_ENCODING; nginx's " +
				"chunked_transfer_encoding off; only makes that end look clean, the stream still ends early."
		}
		if l.role == RoleProxied {
			if e := d.ref.openPast(first.End.D()); e != "" {
				f.Evidence = append(f.Evidence, e+": the proxy closes, not the origin")
			}
		}
		if who, ev := d.proxyName(l); who != "" && l.role != RoleDirect {
			f.Evidence = append(f.Evidence, fmt.Sprintf("the proxy on %s's path is %s (%s)", l.name(), who, ev))
		}
		if first.Lifetime.D()-first.Idle.D() <= max(500*time.Millisecond, first.Lifetime.D()/10) {
			f.Evidence = append(f.Evidence, fmt.Sprintf("%s: the only bytes came right after the request, so a timer counted "+
				"from the request (a fixed lifetime of %s) fits as well; events sent more often would tell them apart",
				l.name(), fmtSecs(first.Lifetime.D())))
		}
		if c := l.comments(); c == 0 {
			f.Evidence = append(f.Evidence, l.name()+": no heartbeat comments seen")
		}
		out = append(out, f)
	}
	return out
}

// openPast describes the lane staying open past t, or returns "".
func (f *laneFacts) openPast(t time.Duration) string {
	for _, c := range f.snap.Conns {
		if c.Start > t {
			continue
		}
		if c.Open() || c.End > t+500*time.Millisecond {
			end := "it was still open at the end of the recording"
			if !c.Open() {
				end = "it closed at " + fmtDur(c.End)
			}
			return fmt.Sprintf("%s stayed open past %s (%s)", f.name(), fmtDur(t), end)
		}
	}
	return ""
}

// lifetimeCloses returns the lane's closes that look like a fixed
// lifetime, with the known component matched if any.
func (d *diag) lifetimeCloses(l *laneFacts) (closes []*Disconnect, known knownTimeout, matched bool) {
	var cands []*Disconnect
	oneEvent := make(map[*Disconnect]bool)
	for i := range l.disconnects {
		dc := &l.disconnects[i]
		if _, ok := l.lifetimeLike(dc); ok && isIdleClose(dc) {
			oneEvent[dc] = true
		}
		if closedByServerSide(dc) && (!isIdleClose(dc) || oneEvent[dc]) && !l.finishedStream(dc) {
			cands = append(cands, dc)
		}
	}
	for _, dc := range cands {
		k, isKnown := matchKnown(dc.Lifetime.D(), lifetimeDefaults)
		if oneEvent[dc] {
			// Nothing but the known lifetime tells this close from an
			// idle one: the silence began right after the request.
			closes = append(closes, dc)
			if !matched {
				known, matched = k, true
			}
			continue
		}
		repeated := false
		for _, o := range cands {
			tol := max(250*time.Millisecond, dc.Lifetime.D()/50)
			if o != dc && (o.Lifetime.D()-dc.Lifetime.D()).Abs() <= tol {
				repeated = true
			}
		}
		refFlowing := l.role == RoleProxied && d.ref.eventsBetween(dc.End.D(), dc.End.D()+time.Second) > 0 && d.ref.openPast(dc.End.D()) != ""
		cut := abrupt(dc)
		if isKnown && (cut || repeated || refFlowing) || repeated && (cut || refFlowing) || cut && refFlowing {
			closes = append(closes, dc)
			if isKnown && !matched {
				known, matched = k, true
			}
		}
	}
	return closes, known, matched
}

func checkFixedLifetime(d *diag) []Finding {
	var out []Finding
	for _, l := range d.sseLanes() {
		closes, known, matched := d.lifetimeCloses(l)
		if len(closes) == 0 || d.sameCloses(l, closes) {
			continue // none, or the origin's own closes passed on
		}
		n := closes[0].Lifetime
		f := Finding{ID: "fixed-lifetime", Severity: SeverityWarning, Confidence: 0.7, Lanes: []int{l.id()},
			Title: fmt.Sprintf("%s is closed %s after the request while events are flowing: a fixed lifetime", l.name(), fmtSecs(n))}
		if l.role == RoleDirect {
			f.Title = fmt.Sprintf("%s: the application (or its server) ends the stream %s after the request: a fixed lifetime",
				l.name(), fmtSecs(n))
		}
		if matched {
			f.Title += " (" + known.who + ")"
			f.Confidence = 0.85
		}
		for i, dc := range closes {
			if i == 3 {
				f.Evidence = append(f.Evidence, fmt.Sprintf("… and %d more closes like these", len(closes)-3))
				break
			}
			f.Evidence = append(f.Evidence, fmt.Sprintf("%s: connection %d closed by the %s (%s) %s after the request, "+
				"only %s after its last byte, with %d events received",
				l.name(), dc.Conn+1, dc.By, dc.Cause, fmtSecs(dc.Lifetime), fmtDur(dc.Idle), dc.Events))
		}
		if l.role == RoleProxied {
			if e := d.ref.openPast(closes[0].End.D()); e != "" {
				f.Evidence = append(f.Evidence, e+": the proxy ends the stream, not the origin")
			}
		}
		if l.role == RoleDirect {
			f.Fix = appLifetimeFix
			lanes, ev := d.passedOnEvidence(func(p *laneFacts) []*Disconnect { c, _, _ := d.lifetimeCloses(p); return c })
			f.Lanes = append(f.Lanes, lanes...)
			f.Evidence = append(f.Evidence, ev...)
			out = append(out, f)
			continue
		}
		f.Fix = "Raise or remove the request timeout for the stream's route:\n" +
			"    Envoy:        route timeout: 0s (and a stream_idle_timeout above the heartbeat interval)\n" +
			"    Spring:       new SseEmitter(0L), or spring.mvc.async.request-timeout=-1\n" +
			"    Tomcat:       asyncTimeout on the connector\n" +
			"and give events ids and resume from Last-Event-ID, so that the reconnects lose nothing."
		out = append(out, f)
	}
	return out
}

func checkTruncatedChunked(d *diag) []Finding {
	var out []Finding
	for _, l := range d.sseLanes() {
		lifetime, _, _ := d.lifetimeCloses(l)
		var cut []*Disconnect
		for i := range l.disconnects {
			dc := &l.disconnects[i]
			if dc.Cause != inspector.CauseIncompleteChunked || isIdleClose(dc) || containsDisconnect(lifetime, dc) {
				continue // the timeout rules name the cause
			}
			cut = append(cut, dc)
		}
		if len(cut) == 0 {
			continue
		}
		f := Finding{ID: "truncated-chunked", Severity: SeverityWarning, Confidence: 0.8, Lanes: []int{l.id()},
			Title: fmt.Sprintf("%s: the chunked body ended without its last chunk (%s)", l.name(),
				plural(int64(len(cut)), "connection", "connections")),
			Fix: chunkedCutFix}
		for i, dc := range cut {
			if i == 3 {
				break
			}
			f.Evidence = append(f.Evidence, fmt.Sprintf("%s: connection %d ended at %s, %s after the request and %s after "+
				"the last byte, without the terminating 0-size chunk (Chrome: ERR_INCOMPLETE_CHUNKED_ENCODING)",
				l.name(), dc.Conn+1, fmtDur(dc.End), fmtSecs(dc.Lifetime), fmtDur(dc.Idle)))
		}
		out = append(out, f)
	}
	return out
}

// chunkedCutFix is the fix for a chunked body cut without its last chunk,
// what Chrome reports as ERR_INCOMPLETE_CHUNKED_ENCODING.
const chunkedCutFix = `Chrome reports this as net::ERR_INCOMPLETE_CHUNKED_ENCODING. A hop dropped the connection mid-stream: check
the error logs of the server and of every proxy at the times below (timeouts, restarts, upstream errors), then
  - if a timeout closes it: send a heartbeat comment (": ping" and a blank line) more often than the timeout,
    or raise the timeout (nginx proxy_read_timeout, the application's stream timeout);
  - nginx's "chunked_transfer_encoding off;" makes the end look clean (the body then ends with the connection),
    but only hides the cut: the stream still ends early.
EventSource reconnects either way, so give events ids and resume from Last-Event-ID.`

func containsDisconnect(list []*Disconnect, dc *Disconnect) bool {
	for _, o := range list {
		if o == dc {
			return true
		}
	}
	return false
}

// heartbeatInterval is the spec's recommended heartbeat period: a silence
// longer than it means no heartbeat is being sent.
const heartbeatInterval = 15 * time.Second

// riskySilence is a silence long enough that the common idle timeouts
// (50–60 s) are close.
const riskySilence = 45 * time.Second

// longestSilence returns the longest silence on a lane's connections after
// their first byte, not counting silences that ended in an idle-timeout
// close (that rule reports those), and when it started.
func (d *diag) longestSilence(l *laneFacts) (longest, at time.Duration) {
	last := make(map[int]time.Duration)
	for _, r := range l.reads {
		if r.WireSize == 0 {
			continue
		}
		if prev, ok := last[r.Conn]; ok && r.At-prev > longest {
			longest, at = r.At-prev, prev
		}
		last[r.Conn] = r.At
	}
	idleClosed := make(map[int]bool)
	for i := range l.disconnects {
		if isIdleClose(&l.disconnects[i]) {
			idleClosed[l.disconnects[i].Conn] = true
		}
	}
	for conn, prev := range last {
		c, ok := l.snap.ConnAt(conn)
		if !ok || idleClosed[conn] {
			continue
		}
		end := c.End
		if c.Open() {
			end = d.snap.End() // not Taken: a loaded session was taken long after
		}
		if end-prev > longest {
			longest, at = end-prev, prev
		}
	}
	return longest, at
}

func checkNoHeartbeat(d *diag) []Finding {
	var out []Finding
	for _, l := range d.sseLanes() {
		silence, at := d.longestSilence(l)
		if silence < heartbeatInterval {
			continue
		}
		f := Finding{ID: "no-heartbeat", Severity: SeverityInfo, Confidence: 0.9, Lanes: []int{l.id()},
			Fix: heartbeatFix(0)}
		comments := l.comments()
		if comments == 0 {
			f.Title = fmt.Sprintf("%s sends no heartbeats: it was silent for %s", l.name(), fmtSecs(silence))
		} else {
			f.Title = fmt.Sprintf("%s's heartbeats are too rare: it was silent for %s", l.name(), fmtSecs(silence))
		}
		if silence >= riskySilence {
			f.Severity = SeverityWarning
		}
		f.Evidence = []string{
			fmt.Sprintf("%s: no byte arrived for %s from %s on", l.name(), fmtSecs(silence), fmtDur(at)),
			fmt.Sprintf("%s: %s seen", l.name(), plural(int64(comments), "comment line", "comment lines")),
			"common idle timeouts: 50 s HAProxy, 55 s Heroku, 60 s nginx and AWS ALB, 100 s Cloudflare",
		}
		out = append(out, f)
	}
	return out
}
