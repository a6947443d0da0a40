package inspector

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sseinspector/sseinspector/inspector/sse"
)

func TestBodySampleKeepsBothEndsUntilAnEventCompletes(t *testing.T) {
	s := NewSession(Limits{})
	l := s.AddLane(LaneInfo{Name: "x", Kind: LaneSubscription})
	c := l.StartConn(0, "GET", "http://x.test/", nil, "")
	rec := &ConnRecorder{Lane: l, Conn: c, Parser: &sse.Parser{}}
	head := strings.Repeat("a", 40) + "\n"
	rec.Feed(1, 0, len(head), []byte(head))
	middle := strings.Repeat("b", 200) + "\n"
	rec.Feed(2, 0, len(middle), []byte(middle))
	tail := "data: end\n"
	rec.Feed(3, 0, len(tail), []byte(tail))
	got := l.Snapshot().Conns[0]
	want := head + strings.Repeat("b", BodySampleSize-len(head))
	if string(got.Head) != want {
		t.Fatalf("head %q, want %q", got.Head, want)
	}
	wantTail := strings.Repeat("b", BodySampleSize-len(tail)-1) + "\n" + tail
	if string(got.Tail) != wantTail {
		t.Fatalf("tail %q, want %q", got.Tail, wantTail)
	}
	// A snapshot taken now must not change when more bytes arrive.
	before := append([]byte(nil), got.Tail...)
	rec.Feed(4, 0, 1, []byte("\n")) // completes the event
	if !bytes.Equal(got.Tail, before) {
		t.Fatal("a snapshot's sample changed under it")
	}
	if after := l.Snapshot().Conns[0]; after.Head != nil || after.Tail != nil {
		t.Fatalf("samples %q / %q kept after the first event", after.Head, after.Tail)
	}
}
