package diagnose_test

import (
	"testing"

	"github.com/sseinspector/sseinspector/inspector"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

func TestLastEventIDIgnored(t *testing.T) {
	s := it.NewSession()
	l := s.Lane("stream").Connect(0, "").Respond(it.Ms(1))
	for i := range 20 {
		l.Read(it.Ms(100*i+10), it.Numbered(i, 20))
	}
	l.Close(it.Ms(2100), inspector.CauseEOF).Connect(it.Ms(5100), "20").Respond(it.Ms(5101))
	for i := range 5 {
		l.Read(it.Ms(5110+100*i), it.Numbered(i, 20)) // ids restart at 1
	}
	f := requireFinding(t, diagnoseRules(s), "last-event-id-ignored")
	requireEvidence(t, f, "Last-Event-ID: 20", `first id was "1"`, "5 events")
}

func TestLastEventIDHonoured(t *testing.T) {
	s := it.NewSession()
	l := s.Lane("stream").Connect(0, "").Respond(it.Ms(1))
	for i := range 20 {
		l.Read(it.Ms(100*i+10), it.Numbered(i, 20))
	}
	l.Close(it.Ms(2100), inspector.CauseEOF).Connect(it.Ms(5100), "20").Respond(it.Ms(5101))
	for i := 20; i < 25; i++ {
		l.Read(it.Ms(5110+100*(i-20)), it.Numbered(i, 20))
	}
	requireNone(t, diagnoseRules(s), "last-event-id-ignored")
}

func TestReplayWithoutLastEventIDIsNotBlamedOnTheServer(t *testing.T) {
	// Nothing was sent to resume from: the server had no way to resume.
	s := it.NewSession()
	l := s.Lane("stream").Connect(0, "").Respond(it.Ms(1))
	l.Read(it.Ms(10), it.Event("", "a")).Close(it.Ms(20), inspector.CauseEOF)
	l.Connect(it.Ms(3020), "").Respond(it.Ms(3021)).Read(it.Ms(3030), it.Event("", "a"))
	requireNone(t, diagnoseRules(s), "last-event-id-ignored")
}
