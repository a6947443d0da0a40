package diagnose_test

import (
	"strings"
	"testing"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/inspector"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

func TestNginxBufferingNamed(t *testing.T) {
	s := it.NewSession()
	flowing(s, "direct", 100, 200, it.Ms(50))
	paged(s, "proxied", 100, 200, it.Ms(50), 4096, "Server: nginx/1.22.1")
	fs := diagnoseRules(s)
	f := requireFinding(t, fs, "nginx-buffering")
	if f.Severity != diagnose.SeverityWarning || !strings.Contains(f.Fix, "proxy_buffering off;") ||
		!strings.Contains(f.Fix, "proxy_http_version 1.1;") || !strings.Contains(f.Fix, "X-Accel-Buffering: no") {
		t.Fatalf("severity %s, fix:\n%s", f.Severity, f.Fix)
	}
	requireEvidence(t, f, "proxied", "4096 B")
	requireEvidence(t, f, "headers were held back")
	requireEvidence(t, f, "Server: nginx/1.22.1")
	requireEvidence(t, f, "delay p50")
	requireNone(t, fs, "proxy-buffering", "app-buffering", "event-delay", "buffering")
	if len(f.Events) != 1 || f.Events[0].Lane != 2 {
		t.Fatalf("events %+v: want the biggest burst on the proxied lane", f.Events)
	}
}

func TestProxyBufferingWithoutNginxHeader(t *testing.T) {
	s := it.NewSession()
	flowing(s, "direct", 100, 200, it.Ms(50))
	paged(s, "proxied", 100, 200, it.Ms(50), 8192, "Server: Apache")
	fs := diagnoseRules(s)
	f := requireFinding(t, fs, "proxy-buffering")
	requireEvidence(t, f, "8192 B")
	requireNone(t, fs, "nginx-buffering")
}

func TestProxyHoldingEverythingUntilTheEnd(t *testing.T) {
	// A slow stream of small events never fills a page: nothing, not even
	// the headers, arrives until the upstream closes.
	s := it.NewSession()
	flowing(s, "direct", 30, 40, it.Ms(100))
	paged(s, "proxied", 30, 40, it.Ms(100), 4096, "Server: nginx")
	f := requireFinding(t, diagnoseRules(s, "nginx-buffering"), "nginx-buffering")
	requireEvidence(t, f, "delivered all its 30 events at its end")
}

func TestProxySilentWhileDirectFlows(t *testing.T) {
	s := it.NewSession()
	flowing(s, "direct", 40, 40, it.Ms(100))
	s.Lane("proxied").Connect(0, "").Close(it.Sec(5), inspector.CauseCancelled)
	f := requireFinding(t, diagnoseRules(s, "proxy-buffering"), "proxy-buffering")
	requireEvidence(t, f, "not even the response headers", "40 events")
}

func TestSingle4096ReadIsNotBuffering(t *testing.T) {
	// One big event of exactly a page, among events flushed one by one.
	s := it.NewSession()
	for _, name := range []string{"direct", "proxied"} {
		l := s.Lane(name).Connect(0, "").Respond(it.Ms(1), "Server: nginx")
		for i := range 10 {
			l.Read(it.Ms(50*i+10), it.Numbered(i, 100))
		}
		big := it.Numbered(10, 4096)
		big = big[:len(big)-(len(big)-4096)-2] + "\n\n"
		if len(big) != 4096 {
			t.Fatalf("page event is %d B", len(big))
		}
		l.Read(it.Ms(600), big)
		for i := 11; i < 20; i++ {
			l.Read(it.Ms(50*i+10), it.Numbered(i, 100))
		}
		l.Close(it.Ms(1100), inspector.CauseEOF)
	}
	fs := diagnoseRules(s)
	if len(fs) != 0 {
		t.Fatalf("want no findings, got %s", describe(fs))
	}
}

func TestOccasionalDoubleReadIsNotBuffering(t *testing.T) {
	// A busy client sometimes reads two flushed events at once.
	s := it.NewSession()
	flowing(s, "direct", 60, 200, it.Ms(50))
	l := s.Lane("proxied").Connect(0, "").Respond(it.Ms(1), "Server: nginx")
	for i := 0; i < 60; i++ {
		if i%10 == 3 {
			l.Read(it.Ms(50*i+52), it.Numbered(i, 200)+it.Numbered(i+1, 200))
			i++
			continue
		}
		l.Read(it.Ms(50*i+3), it.Numbered(i, 200))
	}
	l.Close(it.Ms(3100), inspector.CauseEOF)
	requireClean(t, diagnoseRules(s))
}

func TestXAccelBufferingIgnoredValue(t *testing.T) {
	s2 := it.NewSession()
	d := s2.Lane("direct").Connect(0, "").Respond(it.Ms(1), "X-Accel-Buffering: no;")
	evs, sent := it.Stream(100, it.Ms(2), it.Ms(50), func(i int) string { return it.Numbered(i, 200) })
	d.Flowing(evs, sent, it.Ms(1)).Close(sent[99]+it.Ms(2), inspector.CauseEOF)
	paged(s2, "proxied", 100, 200, it.Ms(50), 4096, "Server: nginx")
	fs := diagnoseRules(s2)
	f := requireFinding(t, fs, "x-accel-buffering-ignored")
	if f.Severity != diagnose.SeverityWarning {
		t.Fatalf("with bursts on the proxied lane the ignored header is a warning, got %s", f.Severity)
	}
	requireEvidence(t, f, `"no;"`)
	requireFinding(t, fs, "nginx-buffering")
}

func TestXAccelBufferingValidValues(t *testing.T) {
	for _, v := range []string{"no", "No", "YES"} {
		s := it.NewSession()
		d := s.Lane("direct").Connect(0, "").Respond(it.Ms(1), "X-Accel-Buffering: "+v)
		d.Read(it.Ms(5), it.Numbered(0, 10)).Close(it.Ms(6), inspector.CauseEOF)
		flowing(s, "proxied", 1, 10, it.Ms(50))
		requireNone(t, diagnoseRules(s), "x-accel-buffering-ignored")
	}
}

func TestXAccelBufferingIgnoredWithoutBurstsIsInfo(t *testing.T) {
	s := it.NewSession()
	d := s.Lane("direct").Connect(0, "").Respond(it.Ms(1), `X-Accel-Buffering: "no"`)
	d.Read(it.Ms(5), it.Numbered(0, 10)).Close(it.Ms(6), inspector.CauseEOF)
	f := requireFinding(t, diagnoseRules(s), "x-accel-buffering-ignored")
	if f.Severity != diagnose.SeverityInfo {
		t.Fatalf("severity %s, want info", f.Severity)
	}
}
