package sse

import (
	"bytes"
	"fmt"
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
