package inspectortest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Origin is a configurable SSE origin for real-server tests. Its events
// carry the built-in origin's stamps: "id: N" and data
// {"seq":N,"sent":<unix ns>,"pad":"..."}, so delays are measured per event.
type Origin struct {
	// Rate is events per second; 0 means 20.
	Rate float64
	// Size is the approximate size of each event block in bytes; 0 means 200.
	Size int
	// Count is the number of events to send; 0 means until the client leaves.
	Count int
	// Quiet keeps the connection open, silent, after Count events instead
	// of ending the response.
	Quiet bool
	// NoFlush never flushes: the Go server then sends whatever its write
	// buffer holds when it fills, like an application that forgot to flush.
	NoFlush bool
	// Header holds extra response headers.
	Header http.Header
}

// Start serves the origin on 127.0.0.1 until the test ends.
func (o *Origin) Start(t testing.TB) *httptest.Server {
	srv := httptest.NewServer(o)
	t.Cleanup(srv.Close)
	return srv
}

// ServeHTTP streams the events. It resumes after a Last-Event-ID.
func (o *Origin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rate, size := o.Rate, o.Size
	if rate <= 0 {
		rate = 20
	}
	if size <= 0 {
		size = 200
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	for k, vs := range o.Header {
		h[k] = vs
	}
	flush := func() {}
	if f, ok := w.(http.Flusher); ok && !o.NoFlush {
		flush = f.Flush
	}
	w.WriteHeader(http.StatusOK)
	flush()
	seq := 0
	if id, err := strconv.Atoi(r.Header.Get("Last-Event-ID")); err == nil {
		seq = id
	}
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer tick.Stop()
	for sent := 0; o.Count == 0 || sent < o.Count; sent++ {
		seq++
		if _, err := w.Write([]byte(StampedEvent(seq, time.Now(), size))); err != nil {
			return
		}
		flush()
		select {
		case <-tick.C:
		case <-r.Context().Done():
			return
		}
	}
	if o.Quiet {
		<-r.Context().Done()
	}
}

// StampedEvent formats the built-in origin's event number seq sent at
// sent, padded to about size bytes.
func StampedEvent(seq int, sent time.Time, size int) string {
	ev := fmt.Sprintf("id: %d\ndata: {\"seq\":%d,\"sent\":%d,\"pad\":\"\"}\n\n", seq, seq, sent.UnixNano())
	if pad := size - len(ev); pad > 0 {
		ev = fmt.Sprintf("id: %d\ndata: {\"seq\":%d,\"sent\":%d,\"pad\":\"%s\"}\n\n", seq, seq, sent.UnixNano(),
			strings.Repeat(".", pad))
	}
	return ev
}

// HTTP2TwoEvents starts an HTTP/2 origin over TLS (Go's server) that sends
// one event, flushes, and sends a second only once release is closed: a
// test can then check that the first was reported, or forwarded, on its
// own DATA frame. The server stops when the test ends.
func HTTP2TwoEvents(t testing.TB) (srv *httptest.Server, release chan struct{}) {
	release = make(chan struct{})
	srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-cache")
		io.WriteString(w, "data: one\n\n")
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		io.WriteString(w, "data: two\n\n")
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, release
}
