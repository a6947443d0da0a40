package diagnose_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/inspector"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// quietThenClosed adds a lane that receives n events every 100 ms, goes
// quiet, and is closed idle after the last byte with the given cause.
func quietThenClosed(s *it.Session, name string, n int, idle time.Duration, cause inspector.CloseCause) *it.Lane {
	l := s.Lane(name).Connect(0, "").Respond(it.Ms(1))
	last := time.Duration(0)
	for i := range n {
		last = it.Ms(100*i + 10)
		l.Read(last, it.Numbered(i, 50))
	}
	return l.Close(last+idle, cause)
}

func TestIdleTimeoutKnownDefault(t *testing.T) {
	s := it.NewSession()
	quietThenClosed(s, "stream", 5, it.Sec(60.004), inspector.CauseIncompleteChunked)
	fs := diagnoseRules(s)
	f := requireFinding(t, fs, "idle-timeout")
	if !strings.Contains(f.Title, "nginx") || !strings.Contains(f.Title, "60.0 s") || f.Confidence < 0.85 {
		t.Fatalf("title %q confidence %v", f.Title, f.Confidence)
	}
	if !strings.Contains(f.Fix, "heartbeat") || !strings.Contains(f.Fix, "every 60.0 s") {
		t.Fatalf("fix:\n%s", f.Fix)
	}
	requireEvidence(t, f, "60.0 s after the last byte")
	requireEvidence(t, f, "terminating chunk")
	// The silence ended in the close the idle-timeout finding explains.
	requireNone(t, fs, "truncated-chunked", "no-heartbeat", "fixed-lifetime")
}

func TestIdleTimeoutAnyDuration(t *testing.T) {
	s := it.NewSession()
	quietThenClosed(s, "stream", 5, it.Sec(2.003), inspector.CauseEOF)
	f := requireFinding(t, diagnoseRules(s), "idle-timeout")
	if !strings.Contains(f.Title, "2.00 s") || strings.Contains(f.Title, "(") {
		t.Fatalf("title %q: want 2.00 s and no known component", f.Title)
	}
	if !strings.Contains(f.Fix, "more often than every 2.00 s, e.g. every 1.00 s") {
		t.Fatalf("a 2 s timeout needs beats faster than the spec's 15 s:\n%s", f.Fix)
	}
}

func TestIdleTimeoutDefaultsTable(t *testing.T) {
	for _, c := range []struct {
		idle float64
		who  string
	}{{50, "HAProxy"}, {55, "Heroku"}, {100, "Cloudflare"}, {300.2, "Apache"}, {30, "CloudFront"}} {
		s := it.NewSession()
		quietThenClosed(s, "stream", 3, it.Sec(c.idle), inspector.CauseEOF)
		if f := requireFinding(t, diagnoseRules(s, "idle-timeout"), "idle-timeout"); !strings.Contains(f.Title, c.who) {
			t.Errorf("%v s: title %q does not name %s", c.idle, f.Title, c.who)
		}
	}
}

func TestIdleTimeoutProxiedWhileDirectStaysOpen(t *testing.T) {
	s := it.NewSession()
	d := s.Lane("direct").Connect(0, "").Respond(it.Ms(1))
	for i := range 5 {
		d.Read(it.Ms(100*i+10), it.Numbered(i, 50))
	}
	d.Close(it.Sec(8), inspector.CauseCancelled)
	quietThenClosed(s, "proxied", 5, it.Sec(2.001), inspector.CauseIncompleteChunked)
	fs := diagnoseRules(s)
	f := requireFinding(t, fs, "idle-timeout")
	requireEvidence(t, f, "direct stayed open", "the proxy closes")
	if f.Lanes[0] != 2 {
		t.Fatalf("lanes %v, want the proxied lane", f.Lanes)
	}
	requireNone(t, fs, "truncated-chunked")
}

func TestCloseWithTrafficIsNotAnIdleTimeout(t *testing.T) {
	// Closed 61 s after the request, 20 ms after the last event.
	s := it.NewSession()
	l := s.Lane("stream").Connect(0, "").Respond(it.Ms(1))
	l.Events(it.Ms(10), it.Ms(500), 122, func(i int) string { return it.Numbered(i, 50) })
	l.Close(it.Sec(61), inspector.CauseEOF)
	fs := diagnoseRules(s)
	requireNone(t, fs, "idle-timeout", "fixed-lifetime", "no-heartbeat")
}

func TestCloseAfterALongerSilenceIsNotAnIdleTimeout(t *testing.T) {
	// A 10 s silence passed; the close 3 s after the last byte cannot be a
	// 3 s idle timer.
	s := it.NewSession()
	l := s.Lane("stream").Connect(0, "").Respond(it.Ms(1))
	l.Read(it.Ms(10), it.Numbered(0, 10)).Read(it.Sec(10), it.Numbered(1, 10))
	l.Close(it.Sec(13), inspector.CauseEOF)
	requireNone(t, diagnoseRules(s), "idle-timeout")
}

func TestOurOwnStopIsNotAnIdleTimeout(t *testing.T) {
	s := it.NewSession()
	quietThenClosed(s, "stream", 3, it.Sec(10), inspector.CauseCancelled)
	quietThenClosed(s, "timed-out", 3, it.Sec(10), inspector.CauseTimeout)
	requireNone(t, diagnoseRules(s), "idle-timeout", "truncated-chunked")
}

// cycling adds a lane that reconnects every life, events flowing every
// 200 ms until each close.
func cycling(s *it.Session, name string, conns int, life time.Duration, cause inspector.CloseCause) *it.Lane {
	l := s.Lane(name)
	start := time.Duration(0)
	seq := 0
	for range conns {
		last := ""
		if seq > 0 {
			last = itoa(seq)
		}
		l.Connect(start, last).Respond(start + it.Ms(1))
		for t := start + it.Ms(10); t < start+life; t += it.Ms(200) {
			l.Read(t, it.Numbered(seq, 30))
			seq++
		}
		l.Close(start+life, cause)
		start += life + it.Sec(3)
	}
	return l
}

func TestFixedLifetimeEnvoy(t *testing.T) {
	s := it.NewSession()
	cycling(s, "stream", 3, it.Sec(15.002), inspector.CauseReset)
	fs := diagnoseRules(s)
	f := requireFinding(t, fs, "fixed-lifetime")
	if !strings.Contains(f.Title, "Envoy") || !strings.Contains(f.Title, "15.0 s") {
		t.Fatalf("title %q", f.Title)
	}
	if !strings.Contains(f.Fix, "timeout: 0s") {
		t.Fatalf("fix:\n%s", f.Fix)
	}
	requireNone(t, fs, "idle-timeout")
}

func TestFixedLifetimeRepeatedUnknownDuration(t *testing.T) {
	s := it.NewSession()
	cycling(s, "stream", 3, it.Sec(7.3), inspector.CauseIncompleteChunked)
	fs := diagnoseRules(s)
	requireFinding(t, fs, "fixed-lifetime")
	requireNone(t, fs, "truncated-chunked")
}

func TestSpringLifetimeCleanCloses(t *testing.T) {
	s := it.NewSession()
	cycling(s, "stream", 2, it.Sec(30.01), inspector.CauseEOF)
	f := requireFinding(t, diagnoseRules(s), "fixed-lifetime")
	if !strings.Contains(f.Title, "Tomcat") {
		t.Fatalf("title %q", f.Title)
	}
}

func TestFiniteStreamsAreNotAFixedLifetime(t *testing.T) {
	// A server that ends each stream cleanly at arbitrary times.
	s := it.NewSession()
	cycling(s, "stream", 3, it.Sec(2), inspector.CauseEOF)
	requireNone(t, diagnoseRules(s), "fixed-lifetime")
	// A single abrupt close at an unknown time is a truncation, not a lifetime.
	s = it.NewSession()
	cycling(s, "stream", 1, it.Sec(61), inspector.CauseIncompleteChunked)
	fs := diagnoseRules(s)
	requireNone(t, fs, "fixed-lifetime", "idle-timeout")
	requireFinding(t, fs, "truncated-chunked")
}

func TestTruncatedChunked(t *testing.T) {
	s := it.NewSession()
	l := s.Lane("stream").Connect(0, "").Respond(it.Ms(1))
	l.Events(it.Ms(10), it.Ms(100), 10, func(i int) string { return it.Numbered(i, 40) })
	l.Read(it.Ms(1010), "data: half an ev")
	l.Close(it.Ms(1020), inspector.CauseIncompleteChunked)
	f := requireFinding(t, diagnoseRules(s), "truncated-chunked")
	requireEvidence(t, f, "ERR_INCOMPLETE_CHUNKED_ENCODING")
}

func TestNoHeartbeatBeforeALongIdle(t *testing.T) {
	s := it.NewSession()
	l := s.Lane("stream").Connect(0, "").Respond(it.Ms(1))
	l.Read(it.Ms(10), it.Numbered(0, 10)).Read(it.Sec(50), it.Numbered(1, 10))
	l.Close(it.Sec(50.1), inspector.CauseCancelled)
	f := requireFinding(t, diagnoseRules(s), "no-heartbeat")
	if f.Severity != diagnose.SeverityWarning || !strings.Contains(f.Title, "no heartbeats") {
		t.Fatalf("a 50 s silence: severity %s title %q", f.Severity, f.Title)
	}
	requireEvidence(t, f, "0 comment lines")
}

func TestHeartbeatsPresentMeanNoFinding(t *testing.T) {
	s := it.NewSession()
	l := s.Lane("stream").Connect(0, "").Respond(it.Ms(1))
	l.Read(it.Ms(10), it.Numbered(0, 10))
	for k := 1; k <= 6; k++ {
		l.Read(it.Sec(float64(10*k)), it.Comment("ping"))
	}
	l.Read(it.Sec(65), it.Numbered(1, 10)).Close(it.Sec(66), inspector.CauseCancelled)
	requireNone(t, diagnoseRules(s), "no-heartbeat", "idle-timeout")
}

func TestRareHeartbeats(t *testing.T) {
	s := it.NewSession()
	l := s.Lane("stream").Connect(0, "").Respond(it.Ms(1))
	l.Read(it.Ms(10), it.Numbered(0, 10)).Read(it.Sec(20), it.Comment("ping"))
	l.Read(it.Sec(40), it.Numbered(1, 10)).Close(it.Sec(41), inspector.CauseCancelled)
	f := requireFinding(t, diagnoseRules(s), "no-heartbeat")
	if f.Severity != diagnose.SeverityInfo || !strings.Contains(f.Title, "too rare") {
		t.Fatalf("20 s silences with a heartbeat: severity %s title %q", f.Severity, f.Title)
	}
}

func TestShortStreamsNeedNoHeartbeat(t *testing.T) {
	s := it.NewSession()
	l := s.Lane("stream").Connect(0, "").Respond(it.Ms(1))
	l.Read(it.Ms(10), it.Numbered(0, 10)).Read(it.Sec(14), it.Numbered(1, 10))
	l.Close(it.Sec(14.5), inspector.CauseCancelled)
	requireNone(t, diagnoseRules(s), "no-heartbeat")
}
