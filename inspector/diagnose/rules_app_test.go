package diagnose_test

import (
	"strings"
	"testing"

	"github.com/sseinspector/sseinspector/inspector"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

func TestAppBufferingSeenOnDirectLane(t *testing.T) {
	s := it.NewSession()
	paged(s, "direct", 100, 200, it.Ms(50), 4096)
	paged(s, "proxied", 100, 200, it.Ms(50), 4096, "Server: nginx")
	fs := diagnoseRules(s)
	f := requireFinding(t, fs, "app-buffering")
	requireEvidence(t, f, "direct", "4096 B")
	requireEvidence(t, f, "proxied shows the same signature")
	if !strings.Contains(f.Fix, "Flush()") {
		t.Fatalf("fix does not say to flush:\n%s", f.Fix)
	}
	requireNone(t, fs, "nginx-buffering", "proxy-buffering", "buffering")
}

func TestAppBufferingETagMiddleware(t *testing.T) {
	s := it.NewSession()
	d := s.Lane("direct").Connect(0, "").Respond(it.Ms(1), `ETag: W/"5f3a"`)
	body := ""
	for i := range 30 {
		body += it.Numbered(i, 100)
	}
	d.Read(it.Sec(3), body).Close(it.Sec(3)+it.Ms(1), inspector.CauseEOF)
	f := requireFinding(t, diagnoseRules(s), "app-buffering")
	if !strings.Contains(f.Title, "ETag") {
		t.Fatalf("title %q does not name the ETag middleware", f.Title)
	}
	requireEvidence(t, f, `ETag: W/"5f3a"`)
	if !strings.Contains(f.Fix, "Rack::ETag") {
		t.Fatalf("fix:\n%s", f.Fix)
	}
}

func TestAppBufferingNotOnFlushingDirect(t *testing.T) {
	s := it.NewSession()
	flowing(s, "direct", 100, 200, it.Ms(50))
	requireNone(t, diagnoseRules(s), "app-buffering")
}

func TestLargeEventsCutIntoReadsAreNotBuffering(t *testing.T) {
	// 8 KiB events flushed one by one arrive as two 4096-byte reads each.
	s := it.NewSession()
	d := s.Lane("direct").Connect(0, "").Respond(it.Ms(1))
	for i := range 10 {
		ev := it.Numbered(i, 8192)
		for k := 0; k < len(ev); k += 4096 {
			d.Read(it.Ms(100*i+10+k/4096), ev[k:min(k+4096, len(ev))])
		}
	}
	d.Close(it.Ms(1100), inspector.CauseEOF)
	requireClean(t, diagnoseRules(s))
}

func TestBufferingOnALoneLane(t *testing.T) {
	s := it.NewSession()
	paged(s, "stream", 100, 200, it.Ms(50), 4096, "Server: nginx")
	fs := diagnoseRules(s)
	f := requireFinding(t, fs, "buffering")
	if !strings.Contains(f.Fix, "proxy_buffering off;") || !strings.Contains(f.Fix, "Flush") {
		t.Fatalf("a lone lane's fix must cover nginx and the application:\n%s", f.Fix)
	}
	requireNone(t, fs, "app-buffering", "nginx-buffering")
}
