package sse

import (
	"bytes"
	"strings"
	"testing"
)

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
