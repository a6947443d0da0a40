package sse

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// flatItem is an Item with its bytes copied and its read indices dropped:
// the parts of an item that must not depend on how a stream was split.
type flatItem struct {
	Kind      ItemKind
	Type      string
	Data      string
	ID        string
	Raw       string
	Offset    int64
	Size      int64
	Truncated bool
	Retry     time.Duration
}

func flatten(it *Item) flatItem {
	return flatItem{
		Kind:      it.Kind,
		Type:      it.Type,
		Data:      string(it.Data),
		ID:        it.ID,
		Raw:       string(it.Raw),
		Offset:    it.Offset,
		Size:      it.Size,
		Truncated: it.Truncated,
		Retry:     it.Retry,
	}
}

func (f flatItem) String() string {
	return fmt.Sprintf("{kind %d type %q data %q id %q raw %q off %d size %d trunc %v retry %v}",
		f.Kind, f.Type, f.Data, f.ID, f.Raw, f.Offset, f.Size, f.Truncated, f.Retry)
}

// event builds the expected item for a complete event block.
func event(typ, data, id, raw string, off int64) flatItem {
	return flatItem{Kind: ItemEvent, Type: typ, Data: data, ID: id, Raw: raw, Offset: off, Size: int64(len(raw))}
}

// truncatedEvent builds the expected item for a block longer than the cap.
func truncatedEvent(typ, data, id, raw string, off, size int64) flatItem {
	return flatItem{Kind: ItemEvent, Type: typ, Data: data, ID: id, Raw: raw, Offset: off, Size: size, Truncated: true}
}

func comment(data, raw string, off int64) flatItem {
	return flatItem{Kind: ItemComment, Data: data, Raw: raw, Offset: off, Size: int64(len(raw))}
}

func retry(d time.Duration, raw string, off int64) flatItem {
	return flatItem{Kind: ItemRetry, Retry: d, Raw: raw, Offset: off, Size: int64(len(raw))}
}

// parseResult is everything a stream produced.
type parseResult struct {
	items     []flatItem
	events    []Item // with copied byte slices, for DecodeBlock checks
	lastID    string
	discarded int64
}

// parseChunks feeds chunks as consecutive reads, then ends the stream.
func parseChunks(p *Parser, chunks [][]byte) parseResult {
	var r parseResult
	for read, c := range chunks {
		p.Feed(c, int64(read), func(it *Item) {
			r.items = append(r.items, flatten(it))
			if it.Kind == ItemEvent {
				cp := *it
				cp.Raw = bytes.Clone(it.Raw)
				cp.Data = bytes.Clone(it.Data)
				r.events = append(r.events, cp)
			}
		})
	}
	r.lastID = p.LastEventID()
	r.discarded = p.End()
	return r
}

// splits returns the ways the tests feed a stream: whole, in two reads at
// every position, and one byte per read.
func splits(in []byte) map[string][][]byte {
	ways := map[string][][]byte{"whole": {in}}
	for i := 0; i <= len(in); i++ {
		ways[fmt.Sprintf("split at %d", i)] = [][]byte{in[:i], in[i:]}
	}
	var bytewise [][]byte
	for i := range in {
		bytewise = append(bytewise, in[i:i+1])
	}
	ways["byte by byte"] = bytewise
	return ways
}

// checkDecodeBlock verifies that the stored raw bytes of every event
// re-derive what Feed reported.
func checkDecodeBlock(t *testing.T, events []Item) {
	t.Helper()
	for _, ev := range events {
		typ, data, ok := DecodeBlock(ev.Raw)
		if data != string(ev.Data) {
			t.Errorf("DecodeBlock(%q) data = %q, Feed said %q", ev.Raw, data, ev.Data)
		}
		if ev.Truncated {
			continue
		}
		if !ok || typ != ev.Type {
			t.Errorf("DecodeBlock(%q) = %q, %v; Feed said type %q", ev.Raw, typ, ok, ev.Type)
		}
	}
}

type parserCase struct {
	name      string
	in        string
	max       int // MaxEventSize; 0 for the default
	want      []flatItem
	lastID    string
	discarded int64
}

var parserCases = []parserCase{
	// Byte order mark.
	{name: "single event", in: "data: a\n\n",
		want: []flatItem{event("message", "a", "", "data: a\n\n", 0)}},
	{name: "bom stripped", in: "\xEF\xBB\xBFdata: a\n\n",
		want: []flatItem{event("message", "a", "", "data: a\n\n", 3)}},
	{name: "second bom is content", in: "\xEF\xBB\xBF\xEF\xBB\xBFdata: a\n\ndata: b\n\n",
		want: []flatItem{event("message", "b", "", "data: b\n\n", 15)}},
	{name: "bom inside data is content", in: "data: \xEF\xBB\xBFx\n\n",
		want: []flatItem{event("message", "\uFEFFx", "", "data: \xEF\xBB\xBFx\n\n", 0)}},
	{name: "partial bom is content", in: "\xEF\xBB\ndata: a\n\n",
		want: []flatItem{event("message", "a", "", "\xEF\xBB\ndata: a\n\n", 0)}},
	{name: "bom prefix then other byte", in: "\xEFdata: a\n\n",
		want: nil},
	{name: "bom alone", in: "\xEF\xBB\xBF"},
	{name: "partial bom at end is discarded", in: "\xEF\xBB", discarded: 2},

	// Line endings.
	{name: "cr endings", in: "data: a\r\rdata: b\r\r",
		want: []flatItem{
			event("message", "a", "", "data: a\r\r", 0),
			event("message", "b", "", "data: b\r\r", 9),
		}},
	{name: "crlf endings", in: "data: a\r\n\r\ndata: b\r\n\r\n",
		want: []flatItem{
			event("message", "a", "", "data: a\r\n\r", 0),
			event("message", "b", "", "data: b\r\n\r", 11),
		}},
	{name: "lf cr is two endings", in: "data: a\n\rdata: b\n\n",
		want: []flatItem{
			event("message", "a", "", "data: a\n\r", 0),
			event("message", "b", "", "data: b\n\n", 9),
		}},
	{name: "crlf then cr", in: "data: a\r\n\rdata: b\n\n",
		want: []flatItem{
			event("message", "a", "", "data: a\r\n\r", 0),
			event("message", "b", "", "data: b\n\n", 10),
		}},
	{name: "crlf then lf", in: "data: a\r\n\ndata: b\n\n",
		want: []flatItem{
			event("message", "a", "", "data: a\r\n\n", 0),
			event("message", "b", "", "data: b\n\n", 10),
		}},
	{name: "cr cr lf", in: "data: a\r\r\n",
		want: []flatItem{event("message", "a", "", "data: a\r\r", 0)}},
	{name: "lf after dispatching cr is skipped", in: "data: a\n\r\ndata: b\n\n",
		want: []flatItem{
			event("message", "a", "", "data: a\n\r", 0),
			event("message", "b", "", "data: b\n\n", 10),
		}},
	{name: "blank lines only", in: "\n\r\n\r\r\n\n"},
	{name: "empty input", in: ""},

	// Comments.
	{name: "heartbeat", in: ": ping\n\n",
		want: []flatItem{comment(" ping", ": ping\n", 0)}},
	{name: "empty comment", in: ":\n\n",
		want: []flatItem{comment("", ":\n", 0)}},
	{name: "comment inside block", in: "data: a\n:c\n\n",
		want: []flatItem{
			comment("c", ":c\n", 8),
			event("message", "a", "", "data: a\n:c\n\n", 0),
		}},
	{name: "comment ending crlf", in: ": x\r\n\r\n",
		want: []flatItem{comment(" x", ": x\r", 0)}},
	{name: "comment with colons", in: ":a: b\n\n",
		want: []flatItem{comment("a: b", ":a: b\n", 0)}},
	{name: "heartbeat after event with id dispatches nothing", in: "id: 1\ndata: a\n\n: ping\n\n",
		want: []flatItem{
			event("message", "a", "1", "id: 1\ndata: a\n\n", 0),
			comment(" ping", ": ping\n", 15),
		},
		lastID: "1"},

	// Fields.
	{name: "field without colon", in: "data\n\n",
		want: []flatItem{event("message", "", "", "data\n\n", 0)}},
	{name: "two empty data lines", in: "data\ndata\n\n",
		want: []flatItem{event("message", "\n", "", "data\ndata\n\n", 0)}},
	{name: "empty data line alone", in: "data:\n\n",
		want: []flatItem{event("message", "", "", "data:\n\n", 0)}},
	{name: "no space after colon", in: "data:a\n\n",
		want: []flatItem{event("message", "a", "", "data:a\n\n", 0)}},
	{name: "only one space removed", in: "data:  a\n\n",
		want: []flatItem{event("message", " a", "", "data:  a\n\n", 0)}},
	{name: "tab kept", in: "data:\ta\n\n",
		want: []flatItem{event("message", "\ta", "", "data:\ta\n\n", 0)}},
	{name: "colon in value", in: "data: a: b\n\n",
		want: []flatItem{event("message", "a: b", "", "data: a: b\n\n", 0)}},
	{name: "names are case sensitive", in: "Data: a\nDATA: b\n\n"},
	{name: "space before colon is part of name", in: "data : a\n\n"},
	{name: "unknown field ignored", in: "foo: bar\ndata: a\n\n",
		want: []flatItem{event("message", "a", "", "foo: bar\ndata: a\n\n", 0)}},
	{name: "multi-line data", in: "data: a\ndata: b\n\n",
		want: []flatItem{event("message", "a\nb", "", "data: a\ndata: b\n\n", 0)}},
	{name: "only one trailing lf removed", in: "data: a\ndata:\n\n",
		want: []flatItem{event("message", "a\n", "", "data: a\ndata:\n\n", 0)}},

	// event.
	{name: "event type then reset", in: "event: add\ndata: x\n\ndata: y\n\n",
		want: []flatItem{
			event("add", "x", "", "event: add\ndata: x\n\n", 0),
			event("message", "y", "", "data: y\n\n", 20),
		}},
	{name: "last event field wins", in: "event: a\nevent: b\ndata: x\n\n",
		want: []flatItem{event("b", "x", "", "event: a\nevent: b\ndata: x\n\n", 0)}},
	{name: "empty event means message", in: "event: a\nevent:\ndata: x\n\n",
		want: []flatItem{event("message", "x", "", "event: a\nevent:\ndata: x\n\n", 0)}},
	{name: "event without data dispatches nothing", in: "event: add\n\ndata: x\n\n",
		want: []flatItem{event("message", "x", "", "data: x\n\n", 12)}},
	{name: "explicit message type", in: "event: message\ndata: x\n\n",
		want: []flatItem{event("message", "x", "", "event: message\ndata: x\n\n", 0)}},

	// id.
	{name: "id", in: "id: 1\ndata: a\n\n",
		want: []flatItem{event("message", "a", "1", "id: 1\ndata: a\n\n", 0)}, lastID: "1"},
	{name: "id without dispatch sticks", in: "id: 7\n\ndata: a\n\n",
		want: []flatItem{event("message", "a", "7", "data: a\n\n", 7)}, lastID: "7"},
	{name: "id after data in block", in: "data: a\nid: 2\n\n",
		want: []flatItem{event("message", "a", "2", "data: a\nid: 2\n\n", 0)}, lastID: "2"},
	{name: "empty id resets", in: "id: 1\ndata: a\n\nid\ndata: b\n\n",
		want: []flatItem{
			event("message", "a", "1", "id: 1\ndata: a\n\n", 0),
			event("message", "b", "", "id\ndata: b\n\n", 15),
		}},
	{name: "empty id value resets", in: "id: 1\ndata: a\n\nid:\ndata: b\n\n",
		want: []flatItem{
			event("message", "a", "1", "id: 1\ndata: a\n\n", 0),
			event("message", "b", "", "id:\ndata: b\n\n", 15),
		}},
	{name: "id with nul ignored", in: "id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n",
		want: []flatItem{
			event("message", "a", "1", "id: 1\ndata: a\n\n", 0),
			event("message", "b", "1", "id: 2\x003\ndata: b\n\n", 15),
		},
		lastID: "1"},
	{name: "id keeps second space", in: "id:  x\ndata: a\n\n",
		want: []flatItem{event("message", "a", " x", "id:  x\ndata: a\n\n", 0)}, lastID: " x"},
	{name: "id of incomplete block not kept", in: "id: 1\ndata: a\n\nid: 2\ndata: b\n",
		want:   []flatItem{event("message", "a", "1", "id: 1\ndata: a\n\n", 0)},
		lastID: "1", discarded: 14},
	{name: "id persists across events", in: "id: 1\ndata: a\n\ndata: b\n\n",
		want: []flatItem{
			event("message", "a", "1", "id: 1\ndata: a\n\n", 0),
			event("message", "b", "1", "data: b\n\n", 15),
		},
		lastID: "1"},

	// retry.
	{name: "retry", in: "retry: 1500\n\n",
		want: []flatItem{retry(1500*time.Millisecond, "retry: 1500\n", 0)}},
	{name: "retry without space", in: "retry:3000\n\n",
		want: []flatItem{retry(3*time.Second, "retry:3000\n", 0)}},
	{name: "retry zero", in: "retry: 0\n",
		want: []flatItem{retry(0, "retry: 0\n", 0)}, discarded: 9},
	{name: "retry ending cr", in: "retry: 5\r\n\r\n",
		want: []flatItem{retry(5*time.Millisecond, "retry: 5\r", 0)}},
	{name: "retry invalid values ignored",
		in: "retry: 15x\nretry:\nretry\nretry: -1\nretry:  15\nretry: 1.5\nretry: +5\nRetry: 5\nretry: \xEF\xBC\x95\n\n"},
	{name: "retry too large to represent ignored", in: "retry: 99999999999999999999999\nretry: 9223372036855\n\n"},
	{name: "largest representable retry kept", in: "retry: 9223372036854\n\n",
		want: []flatItem{retry(time.Duration(maxMillis)*time.Millisecond, "retry: 9223372036854\n", 0)}},
	{name: "block with only id event retry", in: "id: 1\nevent: x\nretry: 5\n\n",
		want: []flatItem{retry(5*time.Millisecond, "retry: 5\n", 15)}, lastID: "1"},

	// End of stream.
	{name: "incomplete event discarded", in: "data: a\n\ndata: b",
		want:      []flatItem{event("message", "a", "", "data: a\n\n", 0)},
		discarded: 7},
	{name: "incomplete block with newline discarded", in: "data: a\n\ndata: b\n",
		want:      []flatItem{event("message", "a", "", "data: a\n\n", 0)},
		discarded: 8},
	{name: "line ended by cr is no dispatch", in: "data: a\r",
		discarded: 8},

	// UTF-8.
	{name: "maximal subpart", in: "data: \xE2\x82\x41\n\n",
		want: []flatItem{event("message", "\uFFFDA", "", "data: \xE2\x82\x41\n\n", 0)}},
	{name: "overlong", in: "data: \xC0\x80\n\n",
		want: []flatItem{event("message", "\uFFFD\uFFFD", "", "data: \xC0\x80\n\n", 0)}},
	{name: "surrogate", in: "data: \xED\xA0\x80\n\n",
		want: []flatItem{event("message", "\uFFFD\uFFFD\uFFFD", "", "data: \xED\xA0\x80\n\n", 0)}},
	{name: "beyond U+10FFFF", in: "data: \xF4\x90\x80\x80\n\n",
		want: []flatItem{event("message", "\uFFFD\uFFFD\uFFFD\uFFFD", "", "data: \xF4\x90\x80\x80\n\n", 0)}},
	{name: "incomplete sequence at line end", in: "data: \xE2\x82\ndata: \xF0\x9F\x98\n\n",
		want: []flatItem{event("message", "\uFFFD\n\uFFFD", "", "data: \xE2\x82\ndata: \xF0\x9F\x98\n\n", 0)}},
	{name: "valid multi-byte", in: "data: é€😀\n\n",
		want: []flatItem{event("message", "é€😀", "", "data: é€😀\n\n", 0)}},
	{name: "invalid in type", in: "event: \xFF\ndata: x\n\n",
		want: []flatItem{event("\uFFFD", "x", "", "event: \xFF\ndata: x\n\n", 0)}},
	{name: "invalid in id", in: "id: a\xFFb\ndata: x\n\n",
		want: []flatItem{event("message", "x", "a\uFFFDb", "id: a\xFFb\ndata: x\n\n", 0)}, lastID: "a\uFFFDb"},
	{name: "invalid in comment", in: ":\xE2\x82\n\n",
		want: []flatItem{comment("\uFFFD", ":\xE2\x82\n", 0)}},
	{name: "invalid byte in field name", in: "dat\xE1: x\n\n"},

	// The cap.
	{name: "event over cap", max: 16, in: "data: 0123456789abcdef\n\ndata: ok\n\n",
		want: []flatItem{
			truncatedEvent("message", "0123456789", "", "data: 0123456789", 0, 24),
			event("message", "ok", "", "data: ok\n\n", 24),
		}},
	{name: "event exactly at cap", max: 10, in: "data: ab\n\n",
		want: []flatItem{event("message", "ab", "", "data: ab\n\n", 0)}},
	{name: "cap cuts blank line", max: 9, in: "data: ab\n\n",
		want: []flatItem{truncatedEvent("message", "ab", "", "data: ab\n", 0, 10)}},
	{name: "type beyond cap", max: 16, in: "data: 0123456789abc\nevent: late\n\n",
		want: []flatItem{truncatedEvent("late", "0123456789", "", "data: 0123456789", 0, 33)}},
	{name: "cap cuts field name", max: 16, in: "id: 0123456789\ndata: x\n\n",
		want:   []flatItem{truncatedEvent("message", "", "0123456789", "id: 0123456789\nd", 0, 24)},
		lastID: "0123456789"},
	{name: "cap right after data name", max: 21, in: "data: a\nid: 0123\ndata: xyz\n\n",
		want:   []flatItem{truncatedEvent("message", "a\n", "0123", "data: a\nid: 0123\ndata", 0, 28)},
		lastID: "0123"},
	{name: "cap turns unknown name into data", max: 12, in: "data: a\ndatax: yyyy\n\n",
		want: []flatItem{truncatedEvent("message", "a\n", "", "data: a\ndata", 0, 21)}},
	{name: "cap cuts multi-byte char", max: 7, in: "data: é\n\n",
		want: []flatItem{truncatedEvent("message", "\uFFFD", "", "data: \xC3", 0, 10)}},
	{name: "long comment truncated", max: 16, in: ": 0123456789abcdefghij\n\n",
		want: []flatItem{{Kind: ItemComment, Data: " 0123456789abcd", Raw: ": 0123456789abcd", Size: 23, Truncated: true}}},
	{name: "comment exactly at cap", max: 4, in: ": a\n\n",
		want: []flatItem{comment(" a", ": a\n", 0)}},
	{name: "comment one over cap", max: 3, in: ": a\n\n",
		want: []flatItem{{Kind: ItemComment, Data: " a", Raw: ": a", Size: 4, Truncated: true}}},
	{name: "long unknown name then event", max: 16, in: strings.Repeat("x", 40) + "\n\ndata: ok\n\n",
		want: []flatItem{event("message", "ok", "", "data: ok\n\n", 42)}},
	{name: "long id kept to cap", max: 16, in: "id: 0123456789abcdefghij\ndata: x\n\n",
		want:   []flatItem{truncatedEvent("message", "", "0123456789ab", "id: 0123456789ab", 0, 34)},
		lastID: "0123456789ab"},
	{name: "long id with late nul ignored", max: 16, in: "id: 0123456789abcdefghij\x00\ndata: x\n\n",
		want: []flatItem{truncatedEvent("message", "", "", "id: 0123456789ab", 0, 35)}},
	{name: "long retry keeps its value", max: 16, in: "retry: 00000000000000000000001\n\n",
		want: []flatItem{{Kind: ItemRetry, Raw: "retry: 000000000", Size: 31, Truncated: true, Retry: time.Millisecond}}},
	{name: "long retry too large ignored", max: 16, in: "retry: 10000000000000000000000\n\n"},
	{name: "long retry with late non-digit ignored", max: 16, in: "retry: 0000000000000000000000x\n\n"},
	{name: "cap smaller than a name", max: 2, in: "event: abcdefghijklmnop\ndata: x\n\n",
		want: []flatItem{truncatedEvent("abcdefghi", "", "", "ev", 0, 33)}},
}

func TestParserCases(t *testing.T) {
	for _, tc := range parserCases {
		t.Run(tc.name, func(t *testing.T) {
			for way, chunks := range splits([]byte(tc.in)) {
				p := &Parser{MaxEventSize: tc.max}
				got := parseChunks(p, chunks)
				if !equalItems(got.items, tc.want) {
					t.Fatalf("%s: items\n got %v\nwant %v", way, got.items, tc.want)
				}
				if got.lastID != tc.lastID {
					t.Errorf("%s: LastEventID = %q, want %q", way, got.lastID, tc.lastID)
				}
				if got.discarded != tc.discarded {
					t.Errorf("%s: End() = %d, want %d", way, got.discarded, tc.discarded)
				}
				checkDecodeBlock(t, got.events)
			}
		})
	}
}

func equalItems(a, b []flatItem) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

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

// TestLargeInputs feeds blocks and lines far beyond the cap in network-sized
// reads and checks that items stay correct and buffers stay near the cap.
func TestLargeInputs(t *testing.T) {
	const limit = 1024
	const big = 1 << 20
	p := &Parser{MaxEventSize: limit}
	var got []flatItem
	emit := func(it *Item) { got = append(got, flatten(it)) }

	var stream bytes.Buffer
	stream.WriteString("id: 1\ndata: ")
	stream.Write(bytes.Repeat([]byte("d"), big))
	stream.WriteString("\nevent: big\n\n")
	stream.Write(bytes.Repeat([]byte("n"), big)) // a name without a colon
	stream.WriteString("\n\n:")
	stream.Write(bytes.Repeat([]byte("c"), big))
	stream.WriteString("\n\nid: ")
	stream.Write(bytes.Repeat([]byte("i"), big))
	stream.WriteString("\ndata: x\n\ndata: after\n\n")

	maxBuffered := 0
	in := stream.Bytes()
	for read := 0; len(in) > 0; read++ {
		n := min(len(in), 16<<10+read%7) // odd sizes move the read boundaries around
		p.Feed(in[:n], int64(read), emit)
		in = in[n:]
		maxBuffered = max(maxBuffered, cap(p.raw)+cap(p.line)+cap(p.data)+cap(p.scratch))
	}
	if maxBuffered > 8*limit {
		t.Errorf("buffers grew to %d bytes with a cap of %d", maxBuffered, limit)
	}
	if len(got) != 4 {
		t.Fatalf("got %d items, want 4: %v", len(got), got)
	}
	ev := got[0]
	if ev.Kind != ItemEvent || ev.Type != "big" || !ev.Truncated || len(ev.Raw) != limit ||
		ev.Size != int64(6+6+big+1+11+1) || ev.ID != "1" || len(ev.Data) != limit-6-6 {
		t.Errorf("big event = kind %d type %q trunc %v raw %d size %d id %q data %d",
			ev.Kind, ev.Type, ev.Truncated, len(ev.Raw), ev.Size, ev.ID, len(ev.Data))
	}
	cm := got[1]
	if cm.Kind != ItemComment || !cm.Truncated || len(cm.Raw) != limit || len(cm.Data) != limit-1 || cm.Size != big+2 {
		t.Errorf("big comment = kind %d trunc %v raw %d data %d size %d", cm.Kind, cm.Truncated, len(cm.Raw), len(cm.Data), cm.Size)
	}
	idEvent := got[2]
	longID := strings.Repeat("i", limit-4)
	if idEvent.Kind != ItemEvent || idEvent.Data != "" || !idEvent.Truncated || idEvent.ID != longID {
		t.Errorf("event with the long id = %v", idEvent)
	}
	last := got[3]
	if last.Kind != ItemEvent || last.Data != "after" || last.Truncated || last.ID != longID {
		t.Errorf("event after the big ones = %v", last)
	}
}

// TestUnendingLine feeds a line that never ends, which must neither stall
// nor grow memory.
func TestUnendingLine(t *testing.T) {
	for _, prefix := range []string{"data: ", ":", "id: ", "retry: ", "name"} {
		p := &Parser{MaxEventSize: 4096}
		chunk := bytes.Repeat([]byte("7"), 64<<10)
		p.Feed([]byte(prefix), 0, nil)
		for read := 1; read <= 256; read++ { // 16 MiB
			p.Feed(chunk, int64(read), nil)
		}
		if c := cap(p.raw) + cap(p.line) + cap(p.data); c > 4*4096 {
			t.Errorf("%q: buffers hold %d bytes", prefix, c)
		}
		if n, want := p.End(), int64(len(prefix)+256*len(chunk)); n != want {
			t.Errorf("%q: End() = %d, want %d", prefix, n, want)
		}
	}
}

func TestDecodeBlock(t *testing.T) {
	tests := []struct {
		raw, typ, data string
		ok             bool
	}{
		{"data: a\n\n", "message", "a", true},
		{"event: x\ndata: a\ndata: b\r\n\r", "x", "a\nb", true},
		{"id: 1\n\n", "", "", false},
		{": c\n\n", "", "", false},
		{"data: a\n\ndata: b\n\n", "message", "a", true}, // stops at the first blank line
		{"data: trunc", "message", "trunc", true},        // the end counts as a line end
		{"data: a\r", "message", "a", true},
		{"event: late", "", "", false},
		{"data: \xE2\x82\x41\n\n", "message", "\uFFFDA", true},
		{"", "", "", false},
	}
	for _, tt := range tests {
		typ, data, ok := DecodeBlock([]byte(tt.raw))
		if typ != tt.typ || data != tt.data || ok != tt.ok {
			t.Errorf("DecodeBlock(%q) = %q, %q, %v; want %q, %q, %v", tt.raw, typ, data, ok, tt.typ, tt.data, tt.ok)
		}
	}
}

func TestAppendText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"abc", "abc"},
		{"é€😀", "é€😀"},
		{"\xE2\x82\x41", "\uFFFDA"},
		{"\xC0\x80", "\uFFFD\uFFFD"},
		{"\xC1\xBF", "\uFFFD\uFFFD"},
		{"\xED\xA0\x80", "\uFFFD\uFFFD\uFFFD"},
		{"\xED\x9F\xBF", "\uD7FF"},
		{"\xE0\x80\x80", "\uFFFD\uFFFD\uFFFD"},
		{"\xE0\xA0\x80", "\u0800"},
		{"\xF0\x8F\xBF\xBF", "\uFFFD\uFFFD\uFFFD\uFFFD"},
		{"\xF0\x90\x80\x80", "\U00010000"},
		{"\xF4\x8F\xBF\xBF", "\U0010FFFF"},
		{"\xF4\x90\x80\x80", "\uFFFD\uFFFD\uFFFD\uFFFD"},
		{"\xF5\x80", "\uFFFD\uFFFD"},
		{"\xFF", "\uFFFD"},
		{"\x80\x80", "\uFFFD\uFFFD"},
		{"\xF0\x9F\x98", "\uFFFD"},
		{"\xF0\x9F\x98A", "\uFFFDA"},
		{"\xF0\x9F\xE2\x82\xAC", "\uFFFD€"},
		{"a\xE2\x82", "a\uFFFD"},
		{"\xEF\xBB\xBF", "\uFEFF"},
	}
	for _, tt := range tests {
		if got := string(appendText(nil, []byte(tt.in))); got != tt.want {
			t.Errorf("appendText(%q) = %q, want %q", tt.in, got, tt.want)
		}
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
