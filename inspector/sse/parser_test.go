package sse

import (
	"fmt"
	"strings"
	"testing"
)

// TestDispatchOnCR checks that a blank line ending in CR dispatches within
// the read that carried the CR, and that the LF of a CRLF split across reads
// is swallowed rather than taken as a second line ending.
func TestDispatchOnCR(t *testing.T) {
	var p Parser
	var got []flatItem
	emit := func(it *Item) { got = append(got, flatten(it)) }

	p.Feed([]byte("data: a\r\n\r"), 1, emit)
	if len(got) != 1 || got[0].Data != "a" {
		t.Fatalf("after the CR: %v, want the event", got)
	}
	p.Feed([]byte("\ndata: b\r"), 2, emit)
	p.Feed([]byte("\n\r"), 3, emit)
	p.Feed([]byte("\n"), 4, emit)
	want := []flatItem{
		event("message", "a", "", "data: a\r\n\r", 0),
		event("message", "b", "", "data: b\r\n\r", 11),
	}
	if !equalItems(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	if n := p.End(); n != 0 {
		t.Errorf("End() = %d, want 0", n)
	}
}

func TestReadIndices(t *testing.T) {
	var p Parser
	type reads struct{ first, last int64 }
	var got []reads
	emit := func(it *Item) { got = append(got, reads{it.FirstRead, it.LastRead}) }
	p.Feed([]byte("\xEF"), 10, emit)
	p.Feed([]byte("\xBB\xBF: hi\n"), 11, emit) // comment, one read
	p.Feed([]byte("\nda"), 12, emit)           // block starts here
	p.Feed([]byte("ta: x\n"), 13, emit)
	p.Feed([]byte("\n"), 14, emit)       // event completes
	p.Feed([]byte("retry: 1"), 15, emit) // retry line spans reads
	p.Feed([]byte("0\n\ndata: y\n\n"), 16, emit)
	want := []reads{{11, 11}, {12, 14}, {15, 16}, {16, 16}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("read indices = %v, want %v", got, want)
	}

	// Held bytes of a possible byte order mark keep their own read index.
	p.End()
	got = nil
	p.Feed([]byte("\xEF"), 20, emit)
	p.Feed([]byte("\xBB"), 21, emit)
	p.Feed([]byte("X\ndata: z\n\n"), 22, emit)
	if want := []reads{{20, 22}}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after a false mark: read indices = %v, want %v", got, want)
	}
}

func TestEndStartsNewStream(t *testing.T) {
	var p Parser
	p.SetLastEventID("initial")
	if id := p.LastEventID(); id != "initial" {
		t.Fatalf("LastEventID() = %q after SetLastEventID", id)
	}
	var got []flatItem
	emit := func(it *Item) { got = append(got, flatten(it)) }

	p.Feed([]byte("\xEF\xBB\xBFdata: a\n\nid: 5\ndata: b\n\nid: 6\ndata: partial"), 0, emit)
	if p.Offset() != 46 {
		t.Errorf("Offset() = %d, want 46", p.Offset())
	}
	if n := p.End(); n != 19 {
		t.Errorf("End() = %d, want 19", n)
	}
	if id := p.LastEventID(); id != "5" {
		t.Errorf("LastEventID() = %q after End, want the dispatched 5", id)
	}
	if p.Offset() != 0 {
		t.Errorf("Offset() = %d after End, want 0", p.Offset())
	}

	// A new connection: the mark is stripped again, offsets restart, and an
	// event without an id still carries the kept one.
	p.Feed([]byte("\xEF\xBB\xBFdata: c\n\n"), 1, emit)
	want := []flatItem{
		event("message", "a", "initial", "data: a\n\n", 3),
		event("message", "b", "5", "id: 5\ndata: b\n\n", 12),
		event("message", "c", "5", "data: c\n\n", 3),
	}
	if !equalItems(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}

	// End in the middle of a CRLF must not swallow the next stream's LF.
	got = nil
	p.Feed([]byte("data: d\r"), 2, emit)
	p.End()
	p.Feed([]byte("\n"), 3, emit)
	p.Feed([]byte("data: e\n\n"), 4, emit)
	if want := []flatItem{event("message", "e", "5", "data: e\n\n", 1)}; !equalItems(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

func TestOffsetCountsHeldBOM(t *testing.T) {
	var p Parser
	p.Feed([]byte("\xEF\xBB"), 0, nil)
	if p.Offset() != 2 {
		t.Errorf("Offset() = %d, want 2", p.Offset())
	}
	p.Feed([]byte("\xBF"), 1, nil)
	if p.Offset() != 3 {
		t.Errorf("Offset() = %d, want 3", p.Offset())
	}
}

func ExampleParser() {
	var p Parser
	p.SetLastEventID("41") // what the first request sent as Last-Event-ID

	reads := []string{
		": connected\n\n",
		"event: tick\nid: 42\nda",
		"ta: one\ndata: two\n\n",
		"retry: 5000\n\ndata: cut off",
	}
	for i, r := range reads {
		p.Feed([]byte(r), int64(i), func(it *Item) {
			switch it.Kind {
			case ItemEvent:
				fmt.Printf("read %d-%d: event %q id %q data %q\n", it.FirstRead, it.LastRead, it.Type, it.ID, it.Data)
			case ItemComment:
				fmt.Printf("read %d: comment %q\n", it.LastRead, it.Data)
			case ItemRetry:
				fmt.Printf("read %d: retry %v\n", it.LastRead, it.Retry)
			}
		})
	}
	fmt.Println("discarded at end:", p.End())
	fmt.Println("reconnect with Last-Event-ID:", p.LastEventID())
	// Output:
	// read 0: comment " connected"
	// read 1-2: event "tick" id "42" data "one\ntwo"
	// read 3: retry 5s
	// discarded at end: 13
	// reconnect with Last-Event-ID: 42
}

// TestFeedAllocations pins the hot path's allocation budget: nothing for an
// event whose id and type repeat, one string when the id changes.
func TestFeedAllocations(t *testing.T) {
	var p Parser
	same := []byte("event: tick\nid: 7\ndata: " + strings.Repeat("x", 80) + "\n\n")
	p.Feed(same, 0, nil)
	if n := testing.AllocsPerRun(100, func() { p.Feed(same, 1, nil) }); n != 0 {
		t.Errorf("repeated event: %v allocations, want 0", n)
	}

	ids := [][]byte{[]byte("id: 100\ndata: a\n\n"), []byte("id: 101\ndata: b\n\n")}
	i := 0
	if n := testing.AllocsPerRun(100, func() { p.Feed(ids[i%2], 2, nil); i++ }); n > 1 {
		t.Errorf("changing id: %v allocations, want at most 1", n)
	}
}
