package inspector_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/inspectortest"
	"github.com/sseinspector/sseinspector/inspector/sse"
)

// step is one network write of a scripted server and the events the
// subscriber must report before the next write is made.
type step struct {
	piece  string
	events []string
}

var chunk = inspectortest.Chunk

// gzipPieces compresses each event into a sync-flushed gzip piece of
// one stream, as a compressing server flushing per event writes them.
func gzipPieces(t *testing.T, events ...string) []string {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	var out []string
	for _, e := range events {
		zw.Write([]byte(e))
		if err := zw.Flush(); err != nil {
			t.Fatal(err)
		}
		out = append(out, buf.String())
		buf.Reset()
	}
	zw.Close()
	return append(out, buf.String())
}

func framingCases(t *testing.T) map[string][]step {
	one, two := "data: one-0\n\n", "data: two-0\n\n"
	c2 := chunk(two)
	z := gzipPieces(t, one, two)
	return map[string][]step{
		"next chunk's size line and data start in the same read": {
			{chunk(one) + c2[:6], []string{"one-0"}},
			{c2[6:] + "0\r\n\r\n", []string{"two-0"}},
		},
		"size line split": {
			{chunk(one) + "d", []string{"one-0"}},
			{"\r\n" + two + "\r\n0\r\n\r\n", []string{"two-0"}},
		},
		"CRLF after the data split": {
			{"d\r\n" + one + "\r", []string{"one-0"}},
			{"\n" + c2 + "0\r\n\r\n", []string{"two-0"}},
		},
		"chunk extension": {
			{"d;name=\"v\"\r\n" + one + "\r\nd;x\r\ndat", []string{"one-0"}},
			{"a: two-0\n\n\r\n0\r\n\r\n", []string{"two-0"}},
		},
		"trailer after the last chunk": {
			{chunk(one) + "0\r\nX-Checksum: 1\r\n", []string{"one-0"}},
			{"\r\n", nil},
		},
		"last chunk split from its CRLF": {
			{chunk(one) + "0", []string{"one-0"}},
			{"\r\n\r\n", nil},
		},
		"multi-byte character split across reads": {
			{chunk("data: h\xc3"), nil},
			{chunk("\xa9\n\n") + "0\r\n", []string{"h\u00e9"}},
			{"\r\n", nil},
		},
		"gzip over chunked": {
			{chunk(z[0]) + chunk(z[1])[:3], []string{"one-0"}},
			{chunk(z[1])[3:] + chunk(z[2]) + "0\r\n\r\n", []string{"two-0"}},
		},
	}
}

// TestSubscriberDeliversEachReadAtOnce runs scripted servers that end
// network reads at awkward places in the chunked framing: every event
// complete after a read must be reported before the server writes again.
func TestSubscriberDeliversEachReadAtOnce(t *testing.T) {
	for name, steps := range framingCases(t) {
		t.Run(name, func(t *testing.T) { testDeliversAtOnce(t, name, steps) })
	}
}

func testDeliversAtOnce(t *testing.T, name string, steps []step) {
	head := inspectortest.SSEHead
	if name == "gzip over chunked" {
		head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
	}
	pieces := make([]string, len(steps))
	for i, s := range steps {
		pieces[i] = s.piece
	}
	srv := inspectortest.StartWireScript(t, head, pieces...)
	sess := inspector.NewSession(inspector.Limits{})
	got := make(chan string, 8)
	sub, err := inspector.Subscribe(t.Context(), sess, inspector.Request{URL: srv.URL, NoReconnect: true},
		inspector.Hooks{OnItem: func(_ *inspector.Lane, it *sse.Item, _ time.Duration) {
			if it.Kind == sse.ItemEvent {
				got <- string(it.Data)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Stop()
	for i, s := range steps {
		srv.Next()
		for _, want := range s.events {
			select {
			case ev := <-got:
				if ev != want {
					t.Fatalf("after write %d: event %q, want %q", i, ev, want)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("after write %d: event %q not reported before the next write", i, want)
			}
		}
	}
	<-sub.Done()
	var ce *inspector.ConnError
	if !errors.As(sub.Err(), &ce) || ce.Cause != inspector.CauseEOF || ce.Err != nil {
		t.Errorf("stream ended with %v, want a clean end", sub.Err())
	}
	if len(got) > 0 {
		t.Errorf("unexpected event %q", <-got)
	}
}
