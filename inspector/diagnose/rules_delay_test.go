package diagnose_test

import (
	"testing"

	"github.com/sseinspector/sseinspector/inspector"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

func TestEventDelayWithoutBufferSignature(t *testing.T) {
	s := it.NewSession()
	flowing(s, "direct", 40, 100, it.Ms(50))
	p := s.Lane("proxied").Connect(0, "").Respond(it.Ms(1))
	evs, sent := it.Stream(40, it.Ms(2), it.Ms(50), func(i int) string { return it.Numbered(i, 100) })
	p.Flowing(evs, sent, it.Ms(301)).Close(sent[39]+it.Ms(302), inspector.CauseEOF)
	fs := diagnoseRules(s)
	f := requireFinding(t, fs, "event-delay")
	requireEvidence(t, f, "p50 300 ms")
	requireNone(t, fs, "nginx-buffering", "proxy-buffering")
}

func TestSmallDelayIsNotReported(t *testing.T) {
	s := it.NewSession()
	flowing(s, "direct", 40, 100, it.Ms(50))
	p := s.Lane("proxied").Connect(0, "").Respond(it.Ms(1))
	evs, sent := it.Stream(40, it.Ms(2), it.Ms(50), func(i int) string { return it.Numbered(i, 100) })
	p.Flowing(evs, sent, it.Ms(4)).Close(sent[39]+it.Ms(5), inspector.CauseEOF)
	requireClean(t, diagnoseRules(s))
}

func TestLostEvents(t *testing.T) {
	s := it.NewSession()
	flowing(s, "direct", 20, 50, it.Ms(50))
	p := s.Lane("proxied").Connect(0, "").Respond(it.Ms(1))
	for i := range 20 {
		if i == 7 || i == 8 {
			continue
		}
		p.Read(it.Ms(50*i+4), it.Numbered(i, 50))
	}
	p.Close(it.Ms(1010), inspector.CauseEOF)
	f := requireFinding(t, diagnoseRules(s), "lost-events")
	requireEvidence(t, f, "#8, #9")
	if len(f.Events) != 2 || f.Events[0].Seq != 7 {
		t.Fatalf("events %+v", f.Events)
	}
}

func TestEventsStillOnTheirWayAreNotLost(t *testing.T) {
	s := it.NewSession()
	flowing(s, "direct", 20, 50, it.Ms(50))
	p := s.Lane("proxied").Connect(0, "").Respond(it.Ms(1))
	for i := range 15 {
		p.Read(it.Ms(50*i+4), it.Numbered(i, 50))
	}
	p.Close(it.Ms(1000), inspector.CauseCancelled)
	requireNone(t, diagnoseRules(s), "lost-events")
}
