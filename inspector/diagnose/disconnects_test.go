package diagnose_test

import (
	"testing"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/inspector"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

func TestDisconnectIdleLifetimeAndResume(t *testing.T) {
	s := it.NewSession()
	l := s.Lane("direct").Connect(0, "").Respond(it.Ms(1))
	for i := range 5 {
		l.Read(it.Ms(100*i+100), it.Numbered(i, 0)) // ids 1..5, last at 500 ms
	}
	l.Close(it.Ms(2500), inspector.CauseIncompleteChunked)
	// The server resumes correctly after Last-Event-ID 5.
	l.Connect(it.Ms(5500), "5").Respond(it.Ms(5501))
	l.Read(it.Ms(5600), it.Numbered(5, 0)).Read(it.Ms(5700), it.Numbered(6, 0))
	l.Close(it.Ms(5800), inspector.CauseCancelled)
	ds := diagnose.MeasureDisconnects(laneSnap(s, l))
	if len(ds) != 2 {
		t.Fatalf("%d disconnects, want 2", len(ds))
	}
	d := ds[0]
	if d.By != diagnose.ClosedByServer || d.Idle.D() != it.Ms(2000) || d.Lifetime.D() != it.Ms(2500) || d.LongestGap.D() != it.Ms(100) {
		t.Fatalf("first close: by %s idle %v life %v gap %v", d.By, d.Idle, d.Lifetime, d.LongestGap)
	}
	if !d.Reconnected || d.ReconnectDelay.D() != it.Ms(3000) || d.LastEventIDSent != "5" || d.FirstIDAfter != "6" ||
		d.Duplicated != 0 || d.Skipped != 0 || d.Events != 5 || d.LastID != "5" {
		t.Fatalf("resume: %+v", d)
	}
	if ds[1].By != diagnose.ClosedByInspector || ds[1].Reconnected {
		t.Fatalf("second close: %+v", ds[1])
	}
}

func TestDisconnectCountsReplayAndSkip(t *testing.T) {
	s := it.NewSession()
	replay := s.Lane("replay").Connect(0, "").Respond(it.Ms(1))
	skip := s.Lane("skip").Connect(0, "").Respond(it.Ms(1))
	for i := range 4 {
		replay.Read(it.Ms(10*i+10), it.Numbered(i, 0))
		skip.Read(it.Ms(10*i+10), it.Numbered(i, 0))
	}
	replay.Close(it.Ms(100), inspector.CauseEOF).Connect(it.Ms(200), "4").Respond(it.Ms(201))
	skip.Close(it.Ms(100), inspector.CauseEOF).Connect(it.Ms(200), "4").Respond(it.Ms(201))
	for i := range 3 {
		replay.Read(it.Ms(210+10*i), it.Numbered(i, 0)) // ids 1, 2, 3 again
	}
	skip.Read(it.Ms(210), it.Numbered(9, 0)) // id 10: 5..9 skipped
	snap := s.Snapshot()
	r := diagnose.MeasureDisconnects(snap.Lane(replay.ID()))[0]
	if r.Duplicated != 3 || r.FirstIDAfter != "1" {
		t.Fatalf("replay: duplicated %d first %q, want 3 and 1", r.Duplicated, r.FirstIDAfter)
	}
	k := diagnose.MeasureDisconnects(snap.Lane(skip.ID()))[0]
	if k.Skipped != 5 || k.Duplicated != 0 {
		t.Fatalf("skip: skipped %d duplicated %d, want 5 and 0", k.Skipped, k.Duplicated)
	}
}

func TestDisconnectInheritedIDIsNotAReplay(t *testing.T) {
	// Events without an id field carry the last one; after a reconnect
	// that is the id sent, not a replay.
	s := it.NewSession()
	l := s.Lane("direct").Connect(0, "").Respond(it.Ms(1))
	l.Read(it.Ms(10), it.Event("7", "a")).Read(it.Ms(20), it.Event("", "b"))
	l.Close(it.Ms(30), inspector.CauseEOF).Connect(it.Ms(40), "7").Respond(it.Ms(41))
	l.Read(it.Ms(50), it.Event("", "c"))
	d := diagnose.MeasureDisconnects(laneSnap(s, l))[0]
	if d.Duplicated != 0 || d.FirstIDAfter != "" {
		t.Fatalf("duplicated %d first %q, want 0 and none", d.Duplicated, d.FirstIDAfter)
	}
}
