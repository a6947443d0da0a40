package diagnose_test

import (
	"strings"
	"testing"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/inspector"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

func TestProxyCompressionBehindABuffer(t *testing.T) {
	s := it.NewSession()
	flowing(s, "direct", 40, 200, it.Ms(50))
	p := s.Lane("proxied").Connect(0, "")
	body := ""
	for i := range 40 {
		body += it.Numbered(i, 200)
	}
	// Zero bytes until the upstream ends, then the whole gzip stream.
	p.Respond(it.Ms(2005), "Server: nginx", "Content-Encoding: gzip", "Vary: Accept-Encoding")
	p.ReadWire(it.Ms(2006), 900, body).Close(it.Ms(2007), inspector.CauseEOF)
	fs := diagnoseRules(s)
	f := requireFinding(t, fs, "proxy-compression")
	if f.Severity != diagnose.SeverityWarning || !strings.Contains(f.Fix, "gzip off;") || !strings.Contains(f.Fix, "gzip_types") {
		t.Fatalf("severity %s fix:\n%s", f.Severity, f.Fix)
	}
	requireEvidence(t, f, "Content-Encoding: gzip")
	requireEvidence(t, f, "900 B on the wire")
	requireEvidence(t, f, "delivered all its 40 events at its end")
	requireNone(t, fs, "nginx-buffering", "proxy-buffering", "event-delay")
}

func TestProxyCompressionFlowingIsInfo(t *testing.T) {
	s := it.NewSession()
	flowing(s, "direct", 40, 200, it.Ms(50))
	p := s.Lane("proxied").Connect(0, "").Respond(it.Ms(1), "Content-Encoding: gzip")
	for i := range 40 {
		p.ReadWire(it.Ms(50*i+3), 60, it.Numbered(i, 200))
	}
	p.Close(it.Ms(2003), inspector.CauseEOF)
	fs := diagnoseRules(s)
	if f := requireFinding(t, fs, "proxy-compression"); f.Severity != diagnose.SeverityInfo {
		t.Fatalf("events on time: severity %s, want info", f.Severity)
	}
	requireClean(t, fs)
}

func TestAppCompressionMiddleware(t *testing.T) {
	s := it.NewSession()
	d := s.Lane("direct").Connect(0, "").Respond(it.Ms(1), "Content-Encoding: gzip", "Vary: Accept-Encoding")
	body := ""
	for i := range 40 {
		body += it.Numbered(i, 200)
	}
	d.ReadWire(it.Ms(2000), 700, body).Close(it.Ms(2001), inspector.CauseEOF)
	fs := diagnoseRules(s)
	f := requireFinding(t, fs, "app-compression")
	if f.Severity != diagnose.SeverityWarning || !strings.Contains(f.Fix, "res.flush()") {
		t.Fatalf("severity %s fix:\n%s", f.Severity, f.Fix)
	}
	requireEvidence(t, f, "Vary: Accept-Encoding")
	requireNone(t, fs, "app-buffering", "proxy-compression", "compression")
}

func TestCompressionOnALoneLane(t *testing.T) {
	s := it.NewSession()
	l := s.Lane("stream").Connect(0, "").Respond(it.Ms(1), "Content-Encoding: br")
	l.ReadWire(it.Ms(10), 20, it.Numbered(0, 50)).Close(it.Ms(20), inspector.CauseEOF)
	requireFinding(t, diagnoseRules(s), "compression")
}

func TestIdentityEncodingIsNotCompression(t *testing.T) {
	s := it.NewSession()
	l := s.Lane("direct").Connect(0, "").Respond(it.Ms(1), "Content-Encoding: identity")
	l.Read(it.Ms(10), it.Numbered(0, 50)).Close(it.Ms(20), inspector.CauseEOF)
	requireNone(t, diagnoseRules(s), "compression", "app-compression")
}
