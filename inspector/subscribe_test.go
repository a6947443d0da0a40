package inspector

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/sse"
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

func TestSubscribeReconnectsWithLastEventID(t *testing.T) {
	reqs := make(chan requestInfo, 4)
	srv := newSeqServer(t,
		func(w http.ResponseWriter, r *http.Request) {
			reqs <- infoOf(r)
			send := stream(w, "text/event-stream; charset=utf-8")
			send("id: 7\ndata: a\n\n")
		},
		func(w http.ResponseWriter, r *http.Request) {
			reqs <- infoOf(r)
			hang(w, r)
		})
	sess := NewSession(Limits{})
	items := make(chan string, 8)
	sub := subscribe(t, sess, Request{URL: srv.URL + "/s", LastEventID: "start", Retry: 10 * time.Millisecond,
		Header: http.Header{"X-Custom": {"yes"}}},
		Hooks{OnItem: func(l *Lane, it *sse.Item, at time.Duration) { items <- string(it.Data) }})

	first := recv(t, reqs, "first request")
	for name, want := range map[string]string{
		"Accept": "text/event-stream", "Cache-Control": "no-cache", "Accept-Encoding": "gzip, deflate",
		"Last-Event-Id": "start", "X-Custom": "yes",
	} {
		if got := first.header.Get(name); got != want {
			t.Errorf("first request %s = %q, want %q", name, got, want)
		}
	}
	if first.method != http.MethodGet {
		t.Errorf("method = %s, want GET", first.method)
	}
	if got := recv(t, items, "event"); got != "a" {
		t.Errorf("event data = %q, want a", got)
	}
	second := recv(t, reqs, "reconnection")
	if got := second.header.Get("Last-Event-ID"); got != "7" {
		t.Errorf("reconnection Last-Event-ID = %q, want 7", got)
	}

	sub.Stop()
	waitDone(t, sub)
	if err := sub.Err(); err != nil {
		t.Errorf("Err after Stop = %v, want nil", err)
	}
	ls := sub.Lane().Snapshot()
	if ls.Info.Kind != LaneSubscription || ls.Info.Method != http.MethodGet {
		t.Errorf("lane info = %+v", ls.Info)
	}
	if ls.State != StateClosed {
		t.Errorf("state = %s, want closed", ls.State)
	}
	if len(ls.Conns) != 2 {
		t.Fatalf("%d conns, want 2", len(ls.Conns))
	}
	c0, c1 := ls.Conns[0], ls.Conns[1]
	if c0.Cause != CauseEOF || c0.Status != 200 || c0.LastEventID != "start" || c0.Events != 1 {
		t.Errorf("conn 0 = cause %s status %d lastEventID %q events %d", c0.Cause, c0.Status, c0.LastEventID, c0.Events)
	}
	if c1.Cause != CauseCancelled || c1.LastEventID != "7" {
		t.Errorf("conn 1 = cause %s lastEventID %q", c1.Cause, c1.LastEventID)
	}
	if evs := ls.Events(); len(evs) != 1 || evs[0].Data != "a" || evs[0].ID != "7" {
		t.Errorf("events = %+v", evs)
	}
}

func TestSubscribeTimesEachNetworkRead(t *testing.T) {
	more := make(chan struct{})
	srv := newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
		send := stream(w, "text/event-stream")
		send("data: hel")
		select {
		case <-more:
		case <-r.Context().Done():
			return
		}
		send("lo\n\n")
		<-r.Context().Done()
	})
	sess := NewSession(Limits{})
	got := make(chan time.Duration, 1)
	sub := subscribe(t, sess, Request{URL: srv.URL}, Hooks{OnItem: func(l *Lane, it *sse.Item, at time.Duration) { got <- at }})
	waitFor(t, sess, "the first read", func() bool { return sub.Lane().Snapshot().ReadCount() == 1 })
	close(more)
	arrival := recv(t, got, "event")

	ls := sub.Lane().Snapshot()
	reads := ls.Reads()
	if len(reads) != 2 || reads[0].Size != 9 || reads[1].Size != 4 || reads[0].WireSize != 9 || reads[1].WireSize != 4 {
		t.Fatalf("reads = %+v, want 9 then 4 bytes, wire and decoded alike", reads)
	}
	if !(reads[0].At < reads[1].At) || arrival != reads[1].At {
		t.Errorf("read times %v, %v; event arrival %v, want the second read's", reads[0].At, reads[1].At, arrival)
	}
	ev := ls.Event(0)
	if ev.Data != "hello" || ev.FirstRead != reads[0].Index || ev.LastRead != reads[1].Index || ev.Arrival != arrival {
		t.Errorf("event = %+v", ev)
	}
	if c := ls.Conns[0]; c.FirstByteAt != reads[0].At || c.HeadersAt > c.FirstByteAt {
		t.Errorf("headers at %v, first byte at %v; first read at %v", c.HeadersAt, c.FirstByteAt, reads[0].At)
	}
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

func TestSubscribeHonoursRetryField(t *testing.T) {
	const retry = 50 * time.Millisecond
	reconnected := make(chan struct{})
	srv := newSeqServer(t,
		func(w http.ResponseWriter, r *http.Request) {
			stream(w, "text/event-stream")("retry: 50\ndata: x\n\n")
		},
		func(w http.ResponseWriter, r *http.Request) {
			close(reconnected)
			hang(w, r)
		})
	sess := NewSession(Limits{})
	// An initial reconnection time far beyond the guard: only the retry
	// field can make the reconnection happen in time.
	sub := subscribe(t, sess, Request{URL: srv.URL, Retry: time.Hour}, Hooks{})
	recv(t, reconnected, "reconnection")

	ls := sub.Lane().Snapshot()
	if len(ls.Conns) < 2 {
		t.Fatalf("%d conns, want 2", len(ls.Conns))
	}
	if gap := ls.Conns[1].Start - ls.Conns[0].End; gap < retry {
		t.Errorf("reconnected %v after the end, want at least %v", gap, retry)
	}
	notes := ls.Notes()
	if len(notes) != 1 || notes[0].Kind != sse.ItemRetry || notes[0].Retry != retry {
		t.Errorf("notes = %+v, want one retry of %v", notes, retry)
	}
}

func TestSubscribeFailsForGood(t *testing.T) {
	cases := []struct {
		name   string
		status int
		ctype  string
		cause  CloseCause
	}{
		{"204", http.StatusNoContent, "text/event-stream", CauseHTTPStatus},
		{"500", http.StatusInternalServerError, "text/event-stream", CauseHTTPStatus},
		{"text/plain", http.StatusOK, "text/plain", CauseContentType},
		{"no content type", http.StatusOK, "", CauseContentType},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = []string{tc.ctype}
				w.WriteHeader(tc.status)
				if tc.status != http.StatusNoContent {
					io.WriteString(w, "data: not for you\n\n")
				}
			})
			sess := NewSession(Limits{})
			hooks, closed := closes()
			sub := subscribe(t, sess, Request{URL: srv.URL, Retry: time.Millisecond}, hooks)
			waitDone(t, sub)

			var ce *ConnError
			if !errors.As(sub.Err(), &ce) || ce.Cause != tc.cause {
				t.Fatalf("Err = %v, want a ConnError with cause %s", sub.Err(), tc.cause)
			}
			if n := srv.n.Load(); n != 1 {
				t.Errorf("%d requests, want 1 (no reconnection)", n)
			}
			rep := recv(t, closed, "OnClose")
			if rep.reconnectIn >= 0 || rep.conn.Cause != tc.cause {
				t.Errorf("OnClose: cause %s reconnectIn %v", rep.conn.Cause, rep.reconnectIn)
			}
			ls := sub.Lane().Snapshot()
			if ls.State != StateFailed || ls.StateDetail != ce.Error() {
				t.Errorf("state = %s %q, want failed %q", ls.State, ls.StateDetail, ce.Error())
			}
			if c := ls.Conns[0]; c.Status != tc.status || c.Events != 0 {
				t.Errorf("conn: status %d events %d", c.Status, c.Events)
			}
		})
	}
}

func TestSubscribeFollowsRedirects(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/start", http.RedirectHandler("/middle", http.StatusFound))
	mux.Handle("/middle", http.RedirectHandler("/stream", http.StatusTemporaryRedirect))
	mux.HandleFunc("/stream", hang)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	opened := make(chan Conn, 1)
	sess := NewSession(Limits{})
	subscribe(t, sess, Request{URL: srv.URL + "/start"}, Hooks{OnOpen: func(l *Lane, c Conn) { opened <- c }})
	c := recv(t, opened, "open")
	want := []string{srv.URL + "/middle", srv.URL + "/stream"}
	if fmt.Sprint(c.Redirects) != fmt.Sprint(want) {
		t.Errorf("redirects = %v, want %v", c.Redirects, want)
	}
	if c.Status != 200 || c.URL != srv.URL+"/start" {
		t.Errorf("conn status %d url %s", c.Status, c.URL)
	}
}

func TestSubscribeResendsBodyOnReconnect(t *testing.T) {
	reqs := make(chan requestInfo, 4)
	srv := newSeqServer(t,
		func(w http.ResponseWriter, r *http.Request) {
			reqs <- infoOf(r)
			stream(w, "text/event-stream")("data: 1\n\n")
		},
		func(w http.ResponseWriter, r *http.Request) {
			reqs <- infoOf(r)
			hang(w, r)
		})
	sess := NewSession(Limits{})
	subscribe(t, sess, Request{URL: srv.URL, Body: []byte(`{"q":1}`), Retry: time.Millisecond,
		Header: http.Header{"Content-Type": {"application/json"}}}, Hooks{})
	for i := range 2 {
		got := recv(t, reqs, "request")
		if got.method != http.MethodPost || got.body != `{"q":1}` || got.header.Get("Content-Type") != "application/json" {
			t.Errorf("request %d: %s %q %q", i, got.method, got.body, got.header.Get("Content-Type"))
		}
	}
}

func TestSubscribeReadTimeout(t *testing.T) {
	srv := newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
		stream(w, "text/event-stream")(": hello\n\n")
		<-r.Context().Done()
	})
	sess := NewSession(Limits{})
	hooks, closed := closes()
	sub := subscribe(t, sess, Request{URL: srv.URL, ReadTimeout: 50 * time.Millisecond, Retry: time.Hour}, hooks)
	rep := recv(t, closed, "timeout")
	if rep.conn.Cause != CauseTimeout || rep.reconnectIn != time.Hour {
		t.Errorf("closed with cause %s, reconnectIn %v; want timeout, 1h", rep.conn.Cause, rep.reconnectIn)
	}
	if !strings.Contains(rep.conn.Err, "no data for 50ms") {
		t.Errorf("conn err = %q", rep.conn.Err)
	}
	if idle := rep.conn.End - rep.conn.FirstByteAt; idle < 50*time.Millisecond {
		t.Errorf("ended %v after the last byte, before the timeout", idle)
	}
	if st, _ := sub.Lane().State(); st != StateReconnecting {
		t.Errorf("state = %s, want reconnecting", st)
	}
}

func TestSubscribeReadTimeoutCoversHeaders(t *testing.T) {
	srv := newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // never answers
	})
	sess := NewSession(Limits{})
	hooks, closed := closes()
	subscribe(t, sess, Request{URL: srv.URL, ReadTimeout: 20 * time.Millisecond, Retry: time.Hour}, hooks)
	rep := recv(t, closed, "timeout")
	if rep.conn.Cause != CauseTimeout || rep.conn.Status != 0 || rep.conn.End-rep.conn.Start < 20*time.Millisecond {
		t.Errorf("closed with %s, status %d, after %v", rep.conn.Cause, rep.conn.Status, rep.conn.End-rep.conn.Start)
	}
}

func TestSubscribeHostHeader(t *testing.T) {
	hosts := make(chan string, 1)
	srv := newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
		hosts <- r.Host
		hang(w, r)
	})
	sess := NewSession(Limits{})
	subscribe(t, sess, Request{URL: srv.URL, Header: http.Header{"Host": {"stream.example"}}}, Hooks{})
	if got := recv(t, hosts, "request"); got != "stream.example" {
		t.Errorf("Host = %q, want stream.example", got)
	}
}

func TestSubscribeStopDuringReconnectWait(t *testing.T) {
	srv := newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
		stream(w, "text/event-stream")("data: bye\n\n")
	})
	sess := NewSession(Limits{})
	hooks, closed := closes()
	sub := subscribe(t, sess, Request{URL: srv.URL, Retry: time.Hour}, hooks)
	if rep := recv(t, closed, "end of stream"); rep.reconnectIn != time.Hour {
		t.Fatalf("reconnectIn = %v, want 1h", rep.reconnectIn)
	}
	sub.Stop()
	waitDone(t, sub)
	if err := sub.Err(); err != nil {
		t.Errorf("Err = %v, want nil", err)
	}
	if st, _ := sub.Lane().State(); st != StateClosed {
		t.Errorf("state = %s, want closed", st)
	}
	if n := srv.n.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestSubscribeCancel(t *testing.T) {
	srv := newSeqServer(t, hang)
	sess := NewSession(Limits{})
	ctx, cancel := context.WithCancel(t.Context())
	opened := make(chan struct{}, 1)
	sub, err := Subscribe(ctx, sess, Request{URL: srv.URL}, Hooks{OnOpen: func(*Lane, Conn) { opened <- struct{}{} }})
	if err != nil {
		t.Fatal(err)
	}
	recv(t, opened, "open")
	if st, _ := sub.Lane().State(); st != StateOpen {
		t.Errorf("state while connected = %s, want open", st)
	}
	cancel()
	waitDone(t, sub)
	if sub.Err() != nil {
		t.Errorf("Err = %v, want nil", sub.Err())
	}
	ls := sub.Lane().Snapshot()
	if ls.State != StateClosed || ls.Conns[0].Cause != CauseCancelled || ls.Conns[0].Open() {
		t.Errorf("state %s, conn cause %s", ls.State, ls.Conns[0].Cause)
	}
}

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

func TestSubscribeConnectErrorReconnects(t *testing.T) {
	sess := NewSession(Limits{})
	hooks, closed := closes()
	sub := subscribe(t, sess, Request{URL: "http://" + closedPort(t) + "/", Retry: time.Millisecond}, hooks)
	for range 2 {
		rep := recv(t, closed, "connection failure")
		if rep.conn.Cause != CauseConnect || rep.reconnectIn != time.Millisecond {
			t.Fatalf("closed with %s, reconnectIn %v; want connect, 1ms", rep.conn.Cause, rep.reconnectIn)
		}
	}
	sub.Stop()
	waitDone(t, sub)
	if sub.Err() != nil {
		t.Errorf("Err = %v, want nil after Stop", sub.Err())
	}
}

func TestSubscribeConnectErrorNoReconnect(t *testing.T) {
	sess := NewSession(Limits{})
	sub := subscribe(t, sess, Request{URL: "http://" + closedPort(t) + "/", NoReconnect: true}, Hooks{})
	waitDone(t, sub)
	var ce *ConnError
	if !errors.As(sub.Err(), &ce) || ce.Cause != CauseConnect || ce.Err == nil {
		t.Fatalf("Err = %v, want a connect ConnError", sub.Err())
	}
	if len(sub.Lane().Snapshot().Conns) != 1 {
		t.Error("reconnected despite NoReconnect")
	}
}

func TestSubscribeRejectsBadRequests(t *testing.T) {
	for _, tc := range []Request{
		{URL: "ftp://example.test/x"},
		{URL: "http:///path"},
		{URL: "/relative"},
		{URL: "http://[::1"},
		{URL: "http://127.0.0.1/", Method: "BAD METHOD"},
	} {
		sess := NewSession(Limits{})
		if _, err := Subscribe(t.Context(), sess, tc, Hooks{}); err == nil {
			t.Errorf("Subscribe(%+v) succeeded", tc)
		}
		if n := len(sess.Lanes()); n != 0 {
			t.Errorf("Subscribe(%+v) added %d lanes", tc, n)
		}
	}
}

func TestSubscribeReconnectNow(t *testing.T) {
	arrived := make(chan struct{}, 4)
	srv := newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		hang(w, r)
	})
	sess := NewSession(Limits{})
	hooks, closed := closes()
	sub := subscribe(t, sess, Request{URL: srv.URL, Retry: time.Hour}, hooks)
	recv(t, arrived, "first request")
	sub.ReconnectNow()
	rep := recv(t, closed, "dropped connection")
	if rep.conn.Cause != CauseCancelled || rep.reconnectIn != 0 || rep.conn.Err != "reconnect requested" {
		t.Errorf("closed with %s %q, reconnectIn %v", rep.conn.Cause, rep.conn.Err, rep.reconnectIn)
	}
	recv(t, arrived, "reconnection despite a 1h retry")
}

func TestSubscribePause(t *testing.T) {
	arrived := make(chan struct{}, 4)
	srv := newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		hang(w, r)
	})
	sess := NewSession(Limits{})
	hooks, closed := closes()
	sub := subscribe(t, sess, Request{URL: srv.URL, Retry: time.Hour}, hooks)
	recv(t, arrived, "first request")
	sub.SetPaused(true)
	if rep := recv(t, closed, "pause"); rep.conn.Cause != CauseCancelled || rep.reconnectIn >= 0 {
		t.Errorf("closed with %s, reconnectIn %v", rep.conn.Cause, rep.reconnectIn)
	}
	waitState(t, sub.Lane(), StatePaused)
	sub.ReconnectNow() // ignored while paused
	sub.SetPaused(false)
	recv(t, arrived, "reconnection on resume")
	if n := srv.n.Load(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

// Pausing and resuming at once must reconnect at once, with or without
// NoReconnect (a resumed stream is not one that ended).
func TestSubscribePauseResumeAtOnce(t *testing.T) {
	for _, noReconnect := range []bool{false, true} {
		arrived := make(chan struct{}, 4)
		srv := newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
			arrived <- struct{}{}
			hang(w, r)
		})
		sess := NewSession(Limits{})
		sub := subscribe(t, sess, Request{URL: srv.URL, Retry: time.Hour, NoReconnect: noReconnect}, Hooks{})
		recv(t, arrived, "first request")
		sub.SetPaused(true)
		sub.SetPaused(false)
		recv(t, arrived, fmt.Sprintf("reconnection after pause+resume (NoReconnect %v)", noReconnect))
		select {
		case <-sub.Done():
			t.Fatalf("subscription ended after pause+resume: %v", sub.Err())
		default:
		}
	}
}

func TestSubscribeAcceptsMalformedContentTypeParameter(t *testing.T) {
	srv := newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream; charset")
		w.Write([]byte("data: ok\n\n"))
	})
	sess := NewSession(Limits{})
	sub := subscribe(t, sess, Request{URL: srv.URL, NoReconnect: true}, Hooks{})
	<-sub.Done()
	snap := sub.Lane().Snapshot()
	if snap.Len() != 1 || snap.Conns[0].Cause == CauseContentType {
		t.Fatalf("events %d, cause %s: a browser accepts this Content-Type", snap.Len(), snap.Conns[0].Cause)
	}
}

// waitState waits until the lane is in the given state.
func waitState(t *testing.T, l *Lane, want LaneState) {
	t.Helper()
	waitFor(t, l.Session(), "state "+string(want), func() bool {
		st, _ := l.State()
		return st == want
	})
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
