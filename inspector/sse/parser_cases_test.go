package sse

import (
	"strings"
	"testing"
	"time"
)

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
