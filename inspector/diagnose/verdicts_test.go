package diagnose_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/diagnose"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// Tests of who is blamed: the side that closed, the lane that is late,
// the lanes that carry the same stream, and delays that are one stall.

func TestOneStallIsNotAnEventDelay(t *testing.T) {
	s := it.NewSession()
	flowing(s, "direct", 11, 100, it.Ms(50))
	p := s.Lane("proxied").Connect(0, "").Respond(it.Ms(1))
	for i := range 11 {
		lag := it.Ms(2)
		if i == 6 {
			lag = it.Ms(400) // one scheduler stall
		}
		p.Read(it.Ms(2+50*i)+lag, it.Numbered(i, 100))
	}
	p.Close(it.Ms(1000), inspector.CauseEOF)
	requireNone(t, diagnoseRules(s), "event-delay")
}

func TestEventDelayNamesItsPercentile(t *testing.T) {
	s := it.NewSession()
	flowing(s, "direct", 80, 100, it.Ms(50))
	p := s.Lane("proxied").Connect(0, "").Respond(it.Ms(1))
	for i := range 80 {
		lag := it.Ms(3)
		if i%10 == 5 {
			lag = it.Ms(600) // one event in ten held
		}
		p.Read(it.Ms(2+50*i)+lag, it.Numbered(i, 100))
	}
	p.Close(it.Ms(4100), inspector.CauseEOF)
	f := requireFinding(t, diagnoseRules(s), "event-delay")
	if !strings.Contains(f.Title, "p95 of 79 events") {
		t.Fatalf("title %q: want the p95 named, over the events after each connection's first", f.Title)
	}
}

func TestDirectLaneLifetimeIsTheApplication(t *testing.T) {
	s := it.NewSession()
	l := s.Lane("direct")
	for c := range 2 {
		start := it.Sec(31 * float64(c))
		l.Connect(start, "").Respond(start + it.Ms(1))
		l.Read(start+it.Ms(5), it.Numbered(c, 50)) // one event, then silence
		l.Close(start+it.Sec(30.01), inspector.CauseEOF)
	}
	fs := diagnoseRules(s)
	f := requireFinding(t, fs, "fixed-lifetime")
	if !strings.Contains(f.Title, "application") || !strings.Contains(f.Title, "Tomcat") {
		t.Fatalf("title %q", f.Title)
	}
	if !strings.Contains(f.Fix, "new SseEmitter(0L)") || strings.Contains(f.Fix, "proxy_read_timeout") {
		t.Fatalf("fix:\n%s", f.Fix)
	}
	requireNone(t, fs, "idle-timeout")
}

func TestDirectLaneIdleCloseIsNotBlamedOnAProxy(t *testing.T) {
	s := it.NewSession()
	quietThenClosed(s, "direct", 5, it.Sec(60.004), inspector.CauseEOF)
	f := requireFinding(t, diagnoseRules(s), "idle-timeout")
	if strings.Contains(f.Title, "nginx") || strings.Contains(f.Fix, "proxy_read_timeout") || !strings.Contains(f.Title, "application") {
		t.Fatalf("title %q, fix:\n%s", f.Title, f.Fix)
	}
}

func TestOriginClosePassedThroughIsNotTheProxy(t *testing.T) {
	s := it.NewSession()
	quietThenClosed(s, "direct", 5, it.Sec(2.003), inspector.CauseEOF)
	quietThenClosed(s, "proxied", 5, it.Sec(2.004), inspector.CauseEOF)
	fs := diagnoseRules(s)
	var idle []diagnose.Finding
	for _, f := range fs {
		if f.ID == "idle-timeout" {
			idle = append(idle, f)
		}
	}
	if len(idle) != 1 || !strings.Contains(idle[0].Title, "application") {
		t.Fatalf("want one idle-timeout on the application:%s", describe(fs))
	}
	requireEvidence(t, idle[0], "proxied was closed at the same times")
}

func TestFiniteStreamEndingAfterItsCadenceIsNoTimeout(t *testing.T) {
	s := it.NewSession()
	l := s.Lane("direct").Connect(0, "").Respond(it.Ms(1))
	for i := range 5 {
		l.Read(it.Sec(float64(i))+it.Ms(2), it.Numbered(i, 50))
	}
	l.Close(it.Sec(5)+it.Ms(2)+900*time.Microsecond, inspector.CauseEOF)
	requireClean(t, diagnoseRules(s))
}

func TestRedirectLoopIsNamed(t *testing.T) {
	s := it.NewSession()
	l := s.Lane("stream").Connect(0, "")
	for i := range 10 {
		l.AddRedirect(0, []string{"http://origin.test/stream/", "http://origin.test/stream"}[i%2])
	}
	l.Close(it.Ms(5), inspector.CauseConnect)
	f := requireFinding(t, diagnoseRules(s), "connect-failed")
	if !strings.Contains(f.Title, "in a loop (http://origin.test/stream → http://origin.test/stream/ → http://origin.test/stream)") {
		t.Fatalf("title %q", f.Title)
	}
	if strings.Contains(f.Fix, "host and port") {
		t.Fatalf("fix:\n%s", f.Fix)
	}
}

func TestAppBatchingIsANoteWhenShort(t *testing.T) {
	s := it.NewSession()
	l := s.Lane("direct").Connect(0, "").Respond(it.Ms(1))
	for b := range 10 {
		var batch strings.Builder
		for i := range 20 {
			batch.WriteString(it.Numbered(20*b+i, 100))
		}
		l.Read(it.Ms(2+200*b), batch.String())
	}
	l.Close(it.Ms(2100), inspector.CauseEOF)
	fs := diagnoseRules(s)
	f := requireFinding(t, fs, "app-buffering")
	if f.Severity != diagnose.SeverityInfo || !strings.Contains(f.Title, "batches") {
		t.Fatalf("[%s] %q", f.Severity, f.Title)
	}
	requireNone(t, fs, "buffering", "proxy-buffering", "nginx-buffering")
}

func TestBufferedReferenceIsNotTheApplication(t *testing.T) {
	s := it.NewSession()
	sent := func(i int) time.Duration { return it.Ms(2 + 50*i) }
	body := func(i int) string { return it.Event(itoa(i+1), s.Stamp(i+1, sent(i), 150)) }
	evs, times := it.Stream(60, it.Ms(2), it.Ms(50), body)
	nginx := s.Lane("through-nginx").Connect(0, "")
	end := times[59] + it.Ms(3)
	nginx.Paged(evs, times, 4096, it.Ms(1), end, "Server: nginx/1.22.1")
	nginx.Close(end+it.Ms(1), inspector.CauseEOF)
	plain := s.Lane("origin").Connect(0, "").Respond(it.Ms(1))
	plain.Flowing(evs, times, it.Ms(1)).Close(end, inspector.CauseEOF)
	fs := diagnose.Diagnose(s.Snapshot(), diagnose.Options{Reference: 1})
	requireNone(t, fs, "app-buffering")
	f := requireFinding(t, fs, "nginx-buffering")
	if !strings.Contains(f.Title, "the lane chosen as reference") {
		t.Fatalf("title %q", f.Title)
	}
}

func TestUnrelatedLanesAreNotMatched(t *testing.T) {
	s := it.NewSession()
	flowing(s, "direct", 40, 100, it.Ms(50))
	other := s.AddLaneInfo(inspector.LaneInfo{Name: "second origin", Kind: inspector.LaneSubscription, URL: "http://other.test/feed"})
	other.Connect(it.Sec(228), "").Respond(it.Sec(228.001))
	for i := range 40 {
		other.Read(it.Sec(228)+it.Ms(2+50*i), it.Event("", "tick"))
	}
	other.Close(it.Sec(231), inspector.CauseEOF)
	r := diagnose.Analyze(s.Snapshot(), diagnose.Options{})
	lr := r.Lanes["second origin"]
	if lr == nil || lr.Matching != nil || lr.Role != diagnose.RoleAlone || !strings.Contains(lr.NotCompared, "no overlap in time") {
		t.Fatalf("second origin: %+v", lr)
	}
	for _, f := range r.Findings {
		if f.ID == "event-delay" || f.ID == "lost-events" {
			t.Fatalf("unrelated lanes compared: %s", f.Title)
		}
	}
}

func TestDelayOnlyWhileTheStreamStartsIsNotAnEventDelay(t *testing.T) {
	s := it.NewSession()
	flowing(s, "direct", 30, 100, it.Ms(25))
	p := s.Lane("proxied").Connect(0, "").Respond(it.Ms(500))
	for i := range 30 {
		// Held half a second while the stream starts (more than half the
		// events late), then on time.
		at := max(it.Ms(2+25*i), it.Ms(505)) + it.Ms(1)
		p.Read(at, it.Numbered(i, 100))
	}
	p.Close(it.Ms(800), inspector.CauseEOF)
	requireNone(t, diagnoseRules(s), "event-delay")
}

func TestIdleOrLifetimeAmbiguitySaidWhenOnlyTheFirstBytesCame(t *testing.T) {
	s := it.NewSession()
	l := s.Lane("direct").Connect(0, "").Respond(it.Ms(1))
	l.Read(it.Ms(5), it.Numbered(0, 50))
	l.Close(it.Sec(2.005), inspector.CauseIncompleteChunked)
	f := requireFinding(t, diagnoseRules(s), "idle-timeout")
	requireEvidence(t, f, "a fixed lifetime of 2.00 s", "fits as well")
}
