package diagnose_test

import (
	"fmt"
	"testing"

	"github.com/sseinspector/sseinspector/inspector"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// tapStreams adds n tapped streams from one browser to host, the i-th
// opened at i*100 ms and open until the end. Over HTTP/1.1 each has a
// connection (a client port) of its own; over HTTP/2 they share one.
func tapStreams(s *it.Session, n int, host, proto string) {
	for i := range n {
		port := 50000 + i
		if proto == "HTTP/2.0" {
			port = 50000
		}
		l := s.AddLaneInfo(inspector.LaneInfo{Name: fmt.Sprintf("tap %d", i+1), Kind: inspector.LaneTap,
			URL: "https://" + host + "/events", Client: fmt.Sprintf("10.0.0.7:%d", port)})
		l.Connect(it.Ms(100*i), "").RespondWith(it.Ms(100*i+5), 200, proto, it.SSEHeader())
		l.ReadDelivered(it.Ms(100*i+10), it.Ms(100*i+10), it.Comment("hi"))
	}
}

func TestConnectionLimit(t *testing.T) {
	s := it.NewSession()
	tapStreams(s, 6, "app.example", "HTTP/1.1")
	f := requireFinding(t, diagnoseRules(s), "connection-limit")
	if len(f.Lanes) != 6 {
		t.Fatalf("lanes %v, want all six", f.Lanes)
	}
	requireEvidence(t, f, "10.0.0.7 → app.example", "6 streams on 6 separate connections")
}

func TestConnectionLimitNearMisses(t *testing.T) {
	s := it.NewSession()
	tapStreams(s, 5, "app.example", "HTTP/1.1")
	requireNone(t, diagnoseRules(s), "connection-limit")

	s = it.NewSession()
	tapStreams(s, 8, "app.example", "HTTP/2.0")
	requireNone(t, diagnoseRules(s), "connection-limit")

	// Six streams one after another, never overlapping.
	s = it.NewSession()
	for i := range 6 {
		l := s.AddLaneInfo(inspector.LaneInfo{Name: "tap", Kind: inspector.LaneTap, URL: "https://app.example/e",
			Client: fmt.Sprintf("10.0.0.7:%d", 50000+i)})
		l.Connect(it.Sec(float64(i)), "").Respond(it.Sec(float64(i)) + it.Ms(1))
		l.Close(it.Sec(float64(i))+it.Ms(500), inspector.CauseClientGone)
	}
	requireNone(t, diagnoseRules(s), "connection-limit")
}
