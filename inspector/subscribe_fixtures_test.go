package inspector

// Fixtures shared by the subscriber tests.

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// guard bounds every wait on a signal, so a broken subscriber fails the
// test instead of hanging it. It is never how long a test expects to wait.
const guard = 10 * time.Second

func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(guard):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// seqServer serves the i-th request with handlers[i], and every later one
// with the last handler. It counts requests.
type seqServer struct {
	*httptest.Server
	n atomic.Int32
}

func newSeqServer(t *testing.T, handlers ...http.HandlerFunc) *seqServer {
	t.Helper()
	s := &seqServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(s.n.Add(1)) - 1
		handlers[min(i, len(handlers)-1)](w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// requestInfo is what a handler saw of a request.
type requestInfo struct {
	method string
	header http.Header
	body   string
}

func infoOf(r *http.Request) requestInfo {
	b, _ := io.ReadAll(r.Body)
	return requestInfo{method: r.Method, header: r.Header.Clone(), body: string(b)}
}

// stream starts an event-stream response and returns a function that
// writes and flushes.
func stream(w http.ResponseWriter, contentType string) func(string) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	w.(http.Flusher).Flush()
	return func(s string) {
		io.WriteString(w, s)
		w.(http.Flusher).Flush()
	}
}

// hang keeps a response open until the client goes away.
func hang(w http.ResponseWriter, r *http.Request) {
	stream(w, "text/event-stream")
	<-r.Context().Done()
}

func subscribe(t *testing.T, sess *Session, req Request, hooks Hooks) *Subscription {
	t.Helper()
	sub, err := Subscribe(t.Context(), sess, req, hooks)
	if err != nil {
		t.Fatalf("Subscribe: %v", err)
	}
	t.Cleanup(func() {
		sub.Stop()
		<-sub.Done()
	})
	return sub
}

func waitDone(t *testing.T, sub *Subscription) {
	t.Helper()
	select {
	case <-sub.Done():
	case <-time.After(guard):
		t.Fatal("subscription did not end")
	}
}

// closes returns hooks that report every connection end on a channel.
func closes() (Hooks, chan closeReport) {
	ch := make(chan closeReport, 16)
	return Hooks{OnClose: func(l *Lane, c Conn, in time.Duration) { ch <- closeReport{c, in} }}, ch
}

type closeReport struct {
	conn        Conn
	reconnectIn time.Duration
}

// waitFor waits, on the session's change signal, until cond holds.
func waitFor(t *testing.T, sess *Session, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(guard)
	for !cond() {
		select {
		case <-sess.Changed():
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// rawServer answers every connection with the given bytes and closes it,
// bypassing net/http's framing so a body can be cut anywhere.
func rawServer(t *testing.T, response string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		defer conn.Close()
		buf.WriteString(response)
		buf.Flush()
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// closedPort returns a loopback address where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// waitState waits until the lane is in the given state.
func waitState(t *testing.T, l *Lane, want LaneState) {
	t.Helper()
	waitFor(t, l.Session(), "state "+string(want), func() bool {
		st, _ := l.State()
		return st == want
	})
}
