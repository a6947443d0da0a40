package diagnose_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/inspector"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// respondOnce adds a lane with one response and one event.
func respondOnce(s *it.Session, name string, status int, proto string, h http.Header) *it.Lane {
	l := s.Lane(name).Connect(0, "").RespondWith(it.Ms(1), status, proto, h)
	if status == http.StatusOK {
		l.Read(it.Ms(5), it.Numbered(0, 20))
	}
	return l.Close(it.Ms(6), inspector.CauseEOF)
}

func TestContentTypeWrongOrMissing(t *testing.T) {
	for _, ct := range []string{"text/plain", "", "application/json; charset=utf-8"} {
		s := it.NewSession()
		respondOnce(s, "stream", 200, "HTTP/1.1", it.SSEHeader("Content-Type:", "Content-Type: "+ct))
		f := requireFinding(t, diagnoseRules(s), "content-type")
		if f.Severity != diagnose.SeverityError || !strings.Contains(f.Fix, "text/event-stream") {
			t.Fatalf("%q: severity %s fix %q", ct, f.Severity, f.Fix)
		}
	}
}

func TestContentTypeWithParametersIsFine(t *testing.T) {
	s := it.NewSession()
	respondOnce(s, "stream", 200, "HTTP/1.1", it.SSEHeader("Content-Type:", "Content-Type: text/event-stream; charset=utf-8"))
	requireNone(t, diagnoseRules(s), "content-type")
}

func TestContentTypeRewrittenByProxy(t *testing.T) {
	s := it.NewSession()
	respondOnce(s, "direct", 200, "HTTP/1.1", it.SSEHeader())
	respondOnce(s, "proxied", 200, "HTTP/1.1", it.SSEHeader("Content-Type:", "Content-Type: text/html"))
	f := requireFinding(t, diagnoseRules(s), "content-type")
	requireEvidence(t, f, "a proxy rewrote it")
}

func TestHTTPStatus(t *testing.T) {
	s := it.NewSession()
	respondOnce(s, "stream", 502, "HTTP/1.1", http.Header{"Content-Type": {"text/html"}})
	f := requireFinding(t, diagnoseRules(s), "http-status")
	if f.Severity != diagnose.SeverityError {
		t.Fatalf("severity %s", f.Severity)
	}
	requireEvidence(t, f, "502 Bad Gateway", "could not reach the origin")

	s = it.NewSession()
	respondOnce(s, "stream", 204, "HTTP/1.1", nil)
	if f := requireFinding(t, diagnoseRules(s), "http-status"); f.Severity != diagnose.SeverityInfo {
		t.Fatalf("204 is the server's way to stop: severity %s", f.Severity)
	}
}

func TestCacheControl(t *testing.T) {
	s := it.NewSession()
	respondOnce(s, "stream", 200, "HTTP/1.1", it.SSEHeader("Cache-Control:"))
	f := requireFinding(t, diagnoseRules(s), "cache-control")
	if f.Severity != diagnose.SeverityInfo {
		t.Fatalf("severity %s", f.Severity)
	}
	for _, cc := range []string{"no-cache", "no-store, must-revalidate", "private, no-cache"} {
		s := it.NewSession()
		respondOnce(s, "stream", 200, "HTTP/1.1", it.SSEHeader("Cache-Control:", "Cache-Control: "+cc))
		requireNone(t, diagnoseRules(s), "cache-control")
	}
}

func TestCachedStream(t *testing.T) {
	s := it.NewSession()
	respondOnce(s, "stream", 200, "HTTP/1.1", it.SSEHeader("Age: 12"))
	f := requireFinding(t, diagnoseRules(s), "cached-stream")
	requireEvidence(t, f, "Age: 12")
	if !strings.Contains(f.Fix, "proxy_cache off;") {
		t.Fatalf("fix %q", f.Fix)
	}
	s = it.NewSession()
	respondOnce(s, "stream", 200, "HTTP/1.1", it.SSEHeader("X-Cache-Status: MISS"))
	requireNone(t, diagnoseRules(s), "cached-stream")
}

func TestUnframedBody(t *testing.T) {
	s := it.NewSession()
	respondOnce(s, "http10", 200, "HTTP/1.0", it.SSEHeader())
	f := requireFinding(t, diagnoseRules(s), "unframed-body")
	requireEvidence(t, f, "HTTP/1.0")

	s = it.NewSession()
	respondOnce(s, "close", 200, "HTTP/1.1", it.SSEHeader("Connection: close"))
	requireFinding(t, diagnoseRules(s), "unframed-body")

	s = it.NewSession()
	respondOnce(s, "chunked", 200, "HTTP/1.1", it.SSEHeader("Connection: close", "Transfer-Encoding: chunked"))
	respondOnce(s, "keepalive", 200, "HTTP/1.1", it.SSEHeader())
	requireNone(t, diagnoseRules(s), "unframed-body")
}

func TestConnectFailed(t *testing.T) {
	s := it.NewSession()
	flowing(s, "direct", 5, 20, it.Ms(50))
	p := s.Lane("proxied")
	for k := range 3 {
		at := it.Sec(3 * float64(k))
		p.Connect(at, "")
		p.Lane.EndConn(k, at+it.Ms(1), inspector.CauseConnect, "dial tcp 127.0.0.1:9: connect: connection refused", 0)
	}
	f := requireFinding(t, diagnoseRules(s), "connect-failed")
	if f.Severity != diagnose.SeverityError || len(f.Evidence) != 1 {
		t.Fatalf("severity %s evidence %q", f.Severity, f.Evidence)
	}
	requireEvidence(t, f, "connection refused")
	requireNone(t, diagnoseRules(s), "proxy-buffering", "lost-events")
}
