package proxytap

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// streamThroughTap serves the raw response head and pieces from a wire
// script behind a tap, requests "/" through the tap on a raw connection
// with the given protocol, and returns that connection, its reader and
// the response read from it.
func streamThroughTap(t *testing.T, proto string, pieces ...string) (net.Conn, *bufio.Reader, *http.Response) {
	t.Helper()
	srv := inspectortest.StartWireScript(t, inspectortest.SSEHead, pieces...)
	_, _, base := startTap(t, Config{Upstream: strings.TrimSuffix(srv.URL, "/")})
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(15 * time.Second))
	if _, err := io.WriteString(c, "GET / "+proto+"\r\nHost: tap\r\nAccept: text/event-stream\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	go func() {
		for srv.Next() {
		}
	}()
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c, br, resp
}

// TestDirectChunksKeepTheWireAndTheConnection streams through the tap to
// an HTTP/1.1 browser, whose chunks the tap writes to the socket itself:
// the body decodes to exactly what the upstream sent, the last chunk and
// trailer section close it, and the browser's connection serves the next
// request.
func TestDirectChunksKeepTheWireAndTheConnection(t *testing.T) {
	events := []string{"data: one\n\n", "data: " + strings.Repeat("x", 40000) + "\n\n", "data: three\n\n"}
	var pieces []string
	for _, e := range events {
		pieces = append(pieces, inspectortest.Chunk(e))
	}
	c, br, resp := streamThroughTap(t, "HTTP/1.1", append(pieces, "0\r\n\r\n")...)
	if len(resp.TransferEncoding) != 1 || resp.TransferEncoding[0] != "chunked" {
		t.Fatalf("Transfer-Encoding %q, want chunked", resp.TransferEncoding)
	}
	body, err := io.ReadAll(resp.Body) // net/http's chunked reader fails on bad framing
	if err != nil {
		t.Fatalf("body: %v", err)
	}
	if want := strings.Join(events, ""); string(body) != want {
		t.Fatalf("body is %d bytes, not the %d the upstream sent", len(body), len(want))
	}
	// The same connection takes the next request (the upstream is gone,
	// so the tap answers it with an error status).
	if _, err := io.WriteString(c, "GET /again HTTP/1.1\r\nHost: tap\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	again, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("second response on the same connection: %v", err)
	}
	again.Body.Close()
	if again.StatusCode < 400 {
		t.Errorf("second request got %s, want the tap's error for a gone upstream", again.Status)
	}
}

// TestHTTP10BrowserGetsTheStreamUnchunked: an HTTP/1.0 browser cannot
// take chunks, so the stream goes out as it is, ended by the close.
func TestHTTP10BrowserGetsTheStreamUnchunked(t *testing.T) {
	events := []string{"data: one\n\n", "data: two\n\n"}
	_, _, resp := streamThroughTap(t, "HTTP/1.0", inspectortest.Chunk(events[0]), inspectortest.Chunk(events[1]), "0\r\n\r\n")
	if len(resp.TransferEncoding) != 0 {
		t.Fatalf("Transfer-Encoding %q to an HTTP/1.0 browser", resp.TransferEncoding)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("body: %v", err)
	}
	if want := strings.Join(events, ""); string(body) != want {
		t.Fatalf("body %q, want %q", body, want)
	}
}

// fakeChunkConn stands for a connection that takes chunks directly.
type fakeChunkConn struct{}

func (fakeChunkConn) writeChunk([]byte) error { return nil }

// TestDirectChunksOnlyWhereNetHTTPWouldChunk checks the decision itself:
// chunks are written directly only for an HTTP/1.1 request other than
// HEAD, on a connection that takes them, to a response without
// Content-Length or Transfer-Encoding.
func TestDirectChunksOnlyWhereNetHTTPWouldChunk(t *testing.T) {
	cases := []struct {
		name       string
		method     string
		major      int
		minor      int
		conn       bool
		header     string // "Name: value" set on the response, or ""
		wantDirect bool
	}{
		{"HTTP/1.1 GET", "GET", 1, 1, true, "", true},
		{"HTTP/1.1 POST", "POST", 1, 1, true, "", true},
		{"no direct connection", "GET", 1, 1, false, "", false},
		{"HTTP/1.0", "GET", 1, 0, true, "", false},
		{"HTTP/2", "GET", 2, 0, true, "", false},
		{"HEAD", "HEAD", 1, 1, true, "", false},
		{"Content-Length", "GET", 1, 1, true, "Content-Length: 40", false},
		{"Transfer-Encoding", "GET", 1, 1, true, "Transfer-Encoding: identity", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, "/", nil)
			r.ProtoMajor, r.ProtoMinor = tc.major, tc.minor
			if tc.conn {
				r = r.WithContext(context.WithValue(r.Context(), connKey{}, chunkConn(fakeChunkConn{})))
			}
			rec := httptest.NewRecorder()
			if name, value, ok := strings.Cut(tc.header, ": "); ok {
				rec.Header().Set(name, value)
			}
			w := newDeliveryWriter(rec, &flow{in: r})
			got := w.directChunks() != nil
			if got != tc.wantDirect {
				t.Fatalf("direct chunks: %v, want %v", got, tc.wantDirect)
			}
			if got && !rec.Flushed {
				t.Error("the headers were not flushed before the first direct chunk")
			}
		})
	}
}
