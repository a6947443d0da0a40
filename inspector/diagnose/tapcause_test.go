package diagnose_test

import (
	"strings"
	"testing"

	"github.com/sseinspector/sseinspector/inspector"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

func tapLane(s *it.Session) *it.Lane {
	return s.AddLaneInfo(inspector.LaneInfo{Name: "tap", Kind: inspector.LaneTap, URL: "http://origin.test/stream", Method: "GET"})
}

func TestTapInFrontOfNginxNamesNginx(t *testing.T) {
	s := it.NewSession()
	l := tapLane(s).Connect(0, "")
	evs, sent := it.Stream(60, it.Ms(2), it.Ms(50), func(i int) string { return it.Numbered(i, 200) })
	end := sent[59] + it.Ms(3)
	l.Paged(evs, sent, 4096, it.Ms(1), end, "Server: nginx/1.22.1")
	l.Close(end+it.Ms(1), inspector.CauseEOF)
	f := requireFinding(t, diagnoseRules(s, "buffering"), "buffering")
	if !strings.HasPrefix(f.Title, "nginx holds the events back") || !strings.Contains(f.Fix, "proxy_buffering off;") {
		t.Fatalf("title %q fix:\n%s", f.Title, f.Fix)
	}
}

func TestTapBetweenProxyAndApplicationBlamesTheApplication(t *testing.T) {
	s := it.NewSession()
	l := tapLane(s).Connect(0, "").RespondWith(it.Ms(1), 200, "HTTP/1.0", it.SSEHeader())
	var body strings.Builder
	for i := range 60 {
		body.WriteString(it.Numbered(i, 200))
	}
	l.Chunks(body.String(), 4096, it.Ms(1000), it.Ms(2000), it.Ms(3000), it.Ms(3050))
	l.Close(it.Ms(3060), inspector.CauseEOF)
	f := requireFinding(t, diagnoseRules(s, "buffering"), "buffering")
	if !strings.HasPrefix(f.Title, "The application holds the events back") || strings.Contains(f.Title, "nginx") {
		t.Fatalf("title %q", f.Title)
	}
	requireEvidence(t, f, "HTTP/1.0 without chunking")
}
