package inspector

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/sse"
)

// compressors write a body in one Content-Encoding; flush makes everything
// written so far decodable by the client.
var compressors = map[string]func(io.Writer) interface {
	io.WriteCloser
	Flush() error
}{
	"gzip": func(w io.Writer) interface {
		io.WriteCloser
		Flush() error
	} {
		return gzip.NewWriter(w)
	},
	"deflate-zlib": func(w io.Writer) interface {
		io.WriteCloser
		Flush() error
	} {
		return zlib.NewWriter(w)
	},
	"deflate-raw": func(w io.Writer) interface {
		io.WriteCloser
		Flush() error
	} {
		fw, _ := flate.NewWriter(w, flate.DefaultCompression)
		return fw
	},
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func TestSubscribeDecodesContentEncoding(t *testing.T) {
	for name, newCompressor := range compressors {
		t.Run(name, func(t *testing.T) {
			received := make(chan string, 4)
			var wire countingWriter
			const events = "data: 1\n\n" + "data: 2\n\n" + "data: 3\n\n"
			srv := newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/event-stream")
				w.Header().Set("Content-Encoding", strings.TrimSuffix(strings.TrimSuffix(name, "-zlib"), "-raw"))
				wire.w = w
				zw := newCompressor(&wire)
				for i := 1; i <= 3; i++ {
					fmt.Fprintf(zw, "data: %d\n\n", i)
					zw.Flush()
					w.(http.Flusher).Flush()
					// The client must decode each event before the next is
					// sent: a decoder that waits for more input fails here.
					select {
					case got := <-received:
						if got != fmt.Sprint(i) {
							t.Errorf("event %d arrived as %q", i, got)
						}
					case <-r.Context().Done():
						return
					}
				}
				zw.Close()
			})
			sess := NewSession(Limits{})
			sub := subscribe(t, sess, Request{URL: srv.URL, NoReconnect: true},
				Hooks{OnItem: func(l *Lane, it *sse.Item, at time.Duration) { received <- string(it.Data) }})
			waitDone(t, sub)

			var ce *ConnError
			if !errors.As(sub.Err(), &ce) || ce.Cause != CauseEOF || ce.Err != nil {
				t.Fatalf("Err = %v, want a clean end", sub.Err())
			}
			ls := sub.Lane().Snapshot()
			c := ls.Conns[0]
			if c.Bytes != int64(len(events)) {
				t.Errorf("decoded bytes = %d, want %d", c.Bytes, len(events))
			}
			if c.WireBytes != wire.n {
				t.Errorf("wire bytes = %d, want %d as written", c.WireBytes, wire.n)
			}
			var sumWire, sumSize int64
			for _, rd := range ls.Reads() {
				sumWire += int64(rd.WireSize)
				sumSize += int64(rd.Size)
			}
			if sumWire != c.WireBytes || sumSize != c.Bytes {
				t.Errorf("reads sum to wire %d, size %d; conn says %d, %d", sumWire, sumSize, c.WireBytes, c.Bytes)
			}
			if evs := ls.Events(); len(evs) != 3 || evs[2].Data != "3" {
				t.Errorf("events = %+v", evs)
			}
		})
	}
}

func TestSubscribeBodyEndCauses(t *testing.T) {
	const head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
	cases := []struct {
		name     string
		response string
		cause    CloseCause
	}{
		{"chunked body cut mid-chunk", head + "Transfer-Encoding: chunked\r\n\r\n9\r\ndata: 1\n\n\r\n9\r\ndata", CauseIncompleteChunked},
		{"chunked body cut between chunks", head + "Transfer-Encoding: chunked\r\n\r\n9\r\ndata: 1\n\n\r\n", CauseIncompleteChunked},
		{"short Content-Length body", head + "Content-Length: 100\r\n\r\ndata: 1\n\n", CauseReset},
		{"body delimited by close", head + "Connection: close\r\n\r\ndata: 1\n\n", CauseEOF},
		{"complete chunked body", head + "Transfer-Encoding: chunked\r\n\r\n9\r\ndata: 1\n\n\r\n0\r\n\r\n", CauseEOF},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			url := rawServer(t, tc.response)
			sess := NewSession(Limits{})
			sub := subscribe(t, sess, Request{URL: url, NoReconnect: true}, Hooks{})
			waitDone(t, sub)
			var ce *ConnError
			if !errors.As(sub.Err(), &ce) || ce.Cause != tc.cause {
				t.Fatalf("Err = %v, want cause %s", sub.Err(), tc.cause)
			}
			c := sub.Lane().Snapshot().Conns[0]
			if c.Cause != tc.cause || c.Events != 1 {
				t.Errorf("conn cause %s events %d; want %s, 1", c.Cause, c.Events, tc.cause)
			}
		})
	}
}

func TestSubscribeIncompleteChunkedFromHijackedResponse(t *testing.T) {
	// net/http chunks the streamed response; taking the connection over
	// and closing it leaves the body without its terminating chunk, as a
	// proxy's idle timeout does.
	srv := newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
		stream(w, "text/event-stream")("data: 1\n\n")
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		conn.Close()
	})
	sess := NewSession(Limits{})
	hooks, closed := closes()
	sub := subscribe(t, sess, Request{URL: srv.URL, Retry: time.Hour}, hooks)
	rep := recv(t, closed, "end of the cut body")
	if rep.conn.Cause != CauseIncompleteChunked || rep.conn.Events != 1 || rep.reconnectIn != time.Hour {
		t.Errorf("closed with %s after %d events, reconnectIn %v; want incomplete-chunked, 1, 1h",
			rep.conn.Cause, rep.conn.Events, rep.reconnectIn)
	}
	if st, _ := sub.Lane().State(); st != StateReconnecting {
		t.Errorf("state %s, want reconnecting", st)
	}
}

func TestSubscribeConnectionReset(t *testing.T) {
	srv := newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
		stream(w, "text/event-stream")("data: 1\n\n")
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		// Closing with a zero linger sends a RST instead of a FIN.
		conn.(*net.TCPConn).SetLinger(0)
		conn.Close()
	})
	sess := NewSession(Limits{})
	sub := subscribe(t, sess, Request{URL: srv.URL, NoReconnect: true}, Hooks{})
	waitDone(t, sub)
	var ce *ConnError
	if !errors.As(sub.Err(), &ce) || ce.Cause != CauseReset || ce.Err == nil {
		t.Fatalf("Err = %v, want a reset with its network error", sub.Err())
	}
	if st, detail := sub.Lane().State(); st != StateClosed || detail != ce.Error() {
		t.Errorf("state %s %q", st, detail)
	}
}

func TestIsZlibHeader(t *testing.T) {
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	zw.Write([]byte("x"))
	zw.Close()
	if !isZlibHeader(buf.Bytes()[:2]) {
		t.Errorf("zlib header % x not recognised", buf.Bytes()[:2])
	}
	buf.Reset()
	fw, _ := flate.NewWriter(&buf, flate.DefaultCompression)
	fw.Write([]byte("data: 1\n\n"))
	fw.Close()
	if isZlibHeader(buf.Bytes()[:2]) {
		t.Errorf("raw deflate % x taken for zlib", buf.Bytes()[:2])
	}
}
