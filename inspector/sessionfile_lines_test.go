package inspector

import (
	"bufio"
	"bytes"
	"encoding/json"
	"runtime"
	"strings"
	"testing"
)

// TestLoadHugeEventInBoundedMemory loads a file holding one event far over
// the per-event cap: the event comes back truncated and flagged with its
// full size, and loading allocates a small multiple of the cap, not of
// the event (reading the line whole and decoding its JSON costs several
// times the event).
func TestLoadHugeEventInBoundedMemory(t *testing.T) {
	const maxEvent, eventSize = 1 << 20, 24 << 20
	block := "data: " + strings.Repeat("é", (eventSize-8)/2) + "\n\n"
	file := hugeEventFile(t, block, false)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	sess, err := ReadSession(bytes.NewReader(file), LoadOptions{Limits: Limits{MaxEventSize: maxEvent}})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 12*maxEvent {
		t.Errorf("loading a %d-byte event allocated %d bytes, want ≤ %d", len(block), alloc, 12*maxEvent)
	}
	ev := sess.Snapshot().Lanes[0].Event(0)
	if len(ev.Raw) != maxEvent || !ev.Truncated || ev.Size != int64(len(block)) || !bytes.HasPrefix([]byte(block), ev.Raw) {
		t.Errorf("event: %d raw bytes (prefix of the block: %v), truncated %v, size %d; want %d, true, %d",
			len(ev.Raw), bytes.HasPrefix([]byte(block), ev.Raw), ev.Truncated, ev.Size, maxEvent, len(block))
	}
}

// TestLoadHugeBinaryEvent does the same for a block stored as base64.
func TestLoadHugeBinaryEvent(t *testing.T) {
	const maxEvent = 64 << 10
	block := "data: " + strings.Repeat("\xff\x00", 2<<20) + "\n\n"
	sess, err := ReadSession(bytes.NewReader(hugeEventFile(t, block, true)), LoadOptions{Limits: Limits{MaxEventSize: maxEvent}})
	if err != nil {
		t.Fatal(err)
	}
	ev := sess.Snapshot().Lanes[0].Event(0)
	if len(ev.Raw) != maxEvent || !ev.Truncated || !bytes.HasPrefix([]byte(block), ev.Raw) {
		t.Errorf("event: %d raw bytes, truncated %v; want the block's first %d", len(ev.Raw), ev.Truncated, maxEvent)
	}
}

// hugeEventFile writes a session file with one lane holding one event.
func hugeEventFile(t *testing.T, block string, binary bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	put := func(v any) {
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
	}
	put(fileHeader{Format: SessionFormat, Version: SessionVersion})
	put(laneRecord{Rec: "lane", ID: 1, Name: "huge", Kind: LaneSubscription, URL: "http://127.0.0.1:1/"})
	put(connRecord{Rec: "conn", Lane: 1, Index: 0, URL: "http://127.0.0.1:1/", Status: 200})
	put(readFileRecord{Rec: "read", Lane: 1, Index: 0, At: 1, WireSize: len(block), Size: len(block)})
	ev := eventRecord{Rec: "event", Lane: 1, Seq: 0, Arrival: 1, Size: int64(len(block)), Data: block[6 : len(block)-2], Type: "message"}
	if binary {
		ev.Raw64 = []byte(block)
	} else {
		ev.Raw = &block
	}
	put(ev)
	put(endRecord{Rec: "end", Lanes: 1, Events: 1})
	w.Flush()
	return buf.Bytes()
}

// TestLoadCutHugeEventNamesLine checks that a file cut inside a huge
// event's raw block is refused as truncated at that line.
func TestLoadCutHugeEventNamesLine(t *testing.T) {
	file := hugeEventFile(t, "data: "+strings.Repeat("x", 1<<20)+"\n\n", false)
	cut := file[:bytes.Index(file, []byte(`"rec":"event"`))+600<<10]
	_, err := ReadSession(bytes.NewReader(cut), LoadOptions{Limits: Limits{MaxEventSize: 64 << 10}})
	if err == nil || !strings.Contains(err.Error(), "line 5:") {
		t.Errorf("load error %v, want one naming line 5", err)
	}
}
