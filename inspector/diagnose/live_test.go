package diagnose_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/inspector"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// growingCompare records a direct and a proxied lane step by step: the
// proxied lane gets each event lag later, in reads of up to perRead
// events, and observe is called after every step with the session so far.
func growingCompare(n, perRead int, lag time.Duration, body func(s *it.Session, i int) string, observe func(*inspector.Snapshot)) *it.Session {
	s := it.NewSession()
	d := s.Lane("direct").Connect(0, "").Respond(it.Ms(1))
	p := s.Lane("proxied").Connect(0, "").Respond(it.Ms(1))
	pending := ""
	for i := 0; i < n; i++ {
		at := it.Ms(2 + 10*i)
		ev := body(s, i)
		d.Read(at, ev)
		pending += ev
		if (i+1)%perRead == 0 || i == n-1 {
			p.Read(at+lag, pending)
			pending = ""
		}
		observe(s.Snapshot())
	}
	return s
}

func stamped(s *it.Session, i int) string {
	return it.Event(fmt.Sprint(i+1), s.Stamp(i, it.Ms(2+10*i), 8))
}

func plain(_ *it.Session, i int) string { return it.Event("", fmt.Sprintf("payload %d", i)) }

func TestLiveAgreesWithAnalyze(t *testing.T) {
	for _, tc := range []struct {
		name   string
		body   func(*it.Session, int) string
		method diagnose.DelaySource
	}{
		{"stamped events with ids", stamped, diagnose.DelayStamp},
		{"plain events paired by data", plain, diagnose.DelayReference},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lv := diagnose.NewLive(diagnose.Options{})
			var res diagnose.LiveResult
			s := growingCompare(200, 7, it.Ms(35), tc.body, func(snap *inspector.Snapshot) { res = lv.Update(snap) })
			snap := s.Snapshot()
			res = lv.Update(snap)
			r := diagnose.Analyze(snap, diagnose.Options{})
			if res.ReferenceID != r.ReferenceID || res.ReferenceID == 0 {
				t.Fatalf("reference %d, Analyze %d", res.ReferenceID, r.ReferenceID)
			}
			if n := matchCount(res.Matches); n != len(r.Matches) {
				t.Fatalf("%d matches, Analyze found %d", n, len(r.Matches))
			}
			for id, want := range r.Delays {
				got := res.Delays[id]
				if len(got) != len(want) {
					t.Fatalf("lane %d: %d delays, Analyze %d", id, len(got), len(want))
				}
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("lane %d delay %d: %+v, Analyze %+v", id, i, got[i], want[i])
					}
				}
				if got[0].Source != tc.method {
					t.Fatalf("lane %d: source %s, want %s", id, got[0].Source, tc.method)
				}
			}
		})
	}
}

// TestLiveResultsStayValid checks that a result kept from an earlier
// update is not changed by later ones.
func TestLiveResultsStayValid(t *testing.T) {
	lv := diagnose.NewLive(diagnose.Options{})
	var kept []diagnose.Delay
	var copyOf []diagnose.Delay
	steps := 0
	growingCompare(120, 5, it.Ms(25), plain, func(snap *inspector.Snapshot) {
		res := lv.Update(snap)
		steps++
		if steps == 60 {
			kept = res.Delays[2]
			copyOf = append([]diagnose.Delay(nil), kept...)
		}
	})
	if len(kept) == 0 {
		t.Fatal("no delays measured halfway")
	}
	for i := range kept {
		if kept[i] != copyOf[i] {
			t.Fatalf("delay %d changed from %+v to %+v", i, copyOf[i], kept[i])
		}
	}
}

// TestLiveStartsOverForANewSession checks that a snapshot of another
// session does not inherit the previous session's pairs.
func TestLiveStartsOverForANewSession(t *testing.T) {
	lv := diagnose.NewLive(diagnose.Options{})
	a := growingCompare(40, 4, it.Ms(20), plain, func(*inspector.Snapshot) {})
	if r := lv.Update(a.Snapshot()); matchCount(r.Matches) != 40 {
		t.Fatalf("first session: %d matches, want 40", matchCount(r.Matches))
	}
	b := growingCompare(10, 2, it.Ms(20), plain, func(*inspector.Snapshot) {})
	if a.Start().Equal(b.Start()) {
		t.Fatal("two sessions share a start time: Live tells sessions apart by it")
	}
	if r := lv.Update(b.Snapshot()); matchCount(r.Matches) != 10 {
		t.Fatalf("second session: %d matches, want 10", matchCount(r.Matches))
	}
}

// BenchmarkLiveUpdate measures one update of a session of 200,000 events
// per lane when 100 new events arrived: the cost follows the new events,
// not the session.
func BenchmarkLiveUpdate(b *testing.B) {
	s := it.NewSession()
	d := s.Lane("direct").Connect(0, "").Respond(it.Ms(1))
	p := s.Lane("proxied").Connect(0, "").Respond(it.Ms(1))
	i := 0
	add := func(n int) {
		for ; n > 0; n-- {
			ev := it.Event(fmt.Sprint(i+1), s.Stamp(i, it.Ms(i), 8))
			d.Read(it.Ms(i), ev)
			p.Read(it.Ms(i)+it.Ms(3), ev)
			i++
		}
	}
	add(200_000)
	lv := diagnose.NewLive(diagnose.Options{})
	lv.Update(s.Snapshot())
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		add(100)
		snap := s.Snapshot()
		b.StartTimer()
		lv.Update(snap)
	}
}

// TestLiveShortRecording checks that a recording too short for a final
// choice of match method still pairs every event, as Analyze does.
func TestLiveShortRecording(t *testing.T) {
	lv := diagnose.NewLive(diagnose.Options{})
	s := growingCompare(3, 1, it.Ms(40), plain, func(snap *inspector.Snapshot) { lv.Update(snap) })
	res := lv.Update(s.Snapshot())
	r := diagnose.Analyze(s.Snapshot(), diagnose.Options{})
	if matchCount(res.Matches) != 3 || len(r.Matches) != 3 {
		t.Fatalf("%d matches, Analyze %d; want 3", matchCount(res.Matches), len(r.Matches))
	}
	for id, want := range r.Delays {
		if got := res.Delays[id]; len(got) != len(want) || (len(got) > 0 && got[0] != want[0]) {
			t.Fatalf("lane %d delays %+v, Analyze %+v", id, got, want)
		}
	}
}

func matchCount(m map[int][]diagnose.Match) int {
	n := 0
	for _, ms := range m {
		n += len(ms)
	}
	return n
}
