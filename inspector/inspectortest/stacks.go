package inspectortest

import (
	"bufio"
	"compress/gzip"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Origins that behave like the application stacks behind the classic field
// reports, each an http.Handler serving the built-in origin's stamped
// events. Each one reproduces what the stack does on the wire, not the
// stack itself: a Rack::ETag-like middleware that holds the whole body, an
// Express-like compression middleware, a fixed-lifetime stream like
// Spring's SseEmitter, an HTTP/1.0 server that cannot chunk, and the
// streams that never deliver an event.

// Cadence is how a stack's stream sends its events.
type Cadence struct {
	// Count is the number of events; 0 means until the client leaves.
	Count int
	// Every is the time between two events; 0 means 25 ms.
	Every time.Duration
	// Size is the approximate size of an event block; 0 means 200 B.
	Size int
}

func (c Cadence) every() time.Duration {
	if c.Every <= 0 {
		return 25 * time.Millisecond
	}
	return c.Every
}

func (c Cadence) size() int {
	if c.Size <= 0 {
		return 200
	}
	return c.Size
}

// run calls send for each event at the cadence until Count events were
// sent, send fails or the request ends; it reports whether all were sent.
func (c Cadence) run(r *http.Request, send func(seq int) error) bool {
	tick := time.NewTicker(c.every())
	defer tick.Stop()
	for seq := 1; c.Count == 0 || seq <= c.Count; seq++ {
		if send(seq) != nil {
			return false
		}
		if c.Count != 0 && seq == c.Count {
			break
		}
		select {
		case <-tick.C:
		case <-r.Context().Done():
			return false
		}
	}
	return true
}

// sseHeaders sets the headers of an event stream.
func sseHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
}

// flusher returns w's Flush, or a no-op.
func flusher(w http.ResponseWriter) func() {
	if f, ok := w.(http.Flusher); ok {
		return f.Flush
	}
	return func() {}
}

// ETagOrigin holds the whole body to hash it and sends it, with an ETag,
// when the stream ends: what Rack::ETag (a Rails default) does to a
// streamed response. With Fixed it sets Last-Modified itself, which makes
// the middleware leave the stream alone, and flushes each event.
type ETagOrigin struct {
	Cadence
	Fixed bool
}

// ServeHTTP implements http.Handler.
func (o *ETagOrigin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sseHeaders(w)
	if o.Fixed {
		w.Header().Set("Last-Modified", time.Now().UTC().Format(http.TimeFormat))
		flush := flusher(w)
		flush()
		o.run(r, func(seq int) error {
			_, err := fmt.Fprint(w, StampedEvent(seq, time.Now(), o.size()))
			flush()
			return err
		})
		return
	}
	var body strings.Builder
	o.run(r, func(seq int) error {
		body.WriteString(StampedEvent(seq, time.Now(), o.size()))
		return nil
	})
	sum := sha1.Sum([]byte(body.String()))
	w.Header().Set("ETag", `W/"`+hex.EncodeToString(sum[:8])+`"`)
	_, _ = fmt.Fprint(w, body.String())
}

// CompressOrigin gzips the stream like Express's compression middleware:
// Content-Encoding: gzip and Vary: Accept-Encoding, and without a flush
// of the compressor the events leave only when its buffers fill. With
// Fixed it calls the equivalent of res.flush() after each event.
type CompressOrigin struct {
	Cadence
	Fixed bool
}

// ServeHTTP implements http.Handler.
func (o *CompressOrigin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sseHeaders(w)
	w.Header().Set("Content-Encoding", "gzip")
	w.Header().Set("Vary", "Accept-Encoding")
	flush := flusher(w)
	w.WriteHeader(http.StatusOK)
	flush()
	gz := gzip.NewWriter(w)
	defer gz.Close()
	o.run(r, func(seq int) error {
		_, err := fmt.Fprint(gz, StampedEvent(seq, time.Now(), o.size()))
		if o.Fixed {
			if err := gz.Flush(); err != nil {
				return err
			}
			flush()
		}
		return err
	})
}

// LifetimeOrigin ends every stream Lifetime after the request, cutting it
// without the terminating chunk, as a servlet container's async timeout
// does to a Spring SseEmitter (30 s on Tomcat); Lifetime 0 never does
// (new SseEmitter(0L)). Events resume after Last-Event-ID.
type LifetimeOrigin struct {
	Cadence
	Lifetime time.Duration
}

// ServeHTTP implements http.Handler.
func (o *LifetimeOrigin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sseHeaders(w)
	flush := flusher(w)
	w.WriteHeader(http.StatusOK)
	flush()
	var expired <-chan time.Time
	if o.Lifetime > 0 {
		t := time.NewTimer(o.Lifetime)
		defer t.Stop()
		expired = t.C
	}
	start := 0
	_, _ = fmt.Sscan(r.Header.Get("Last-Event-ID"), &start)
	tick := time.NewTicker(o.every())
	defer tick.Stop()
	for sent := 0; ; {
		if o.Count == 0 || sent < o.Count {
			sent++
			if _, err := fmt.Fprint(w, StampedEvent(start+sent, time.Now(), o.size())); err != nil {
				return
			}
			flush()
		}
		select {
		case <-tick.C:
		case <-expired:
			panic(http.ErrAbortHandler) // the container drops the connection
		case <-r.Context().Done():
			return
		}
	}
}

// HeartbeatOrigin sends Cadence's events, then keeps the stream alive with
// a comment every Beat (none when Beat is 0) until the client leaves.
type HeartbeatOrigin struct {
	Cadence
	Beat time.Duration
}

// ServeHTTP implements http.Handler.
func (o *HeartbeatOrigin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sseHeaders(w)
	flush := flusher(w)
	w.WriteHeader(http.StatusOK)
	flush()
	o.run(r, func(seq int) error {
		_, err := fmt.Fprint(w, StampedEvent(seq, time.Now(), o.size()))
		flush()
		return err
	})
	if o.Beat <= 0 {
		<-r.Context().Done()
		return
	}
	beat := time.NewTicker(o.Beat)
	defer beat.Stop()
	for {
		select {
		case <-beat.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return
			}
			flush()
		case <-r.Context().Done():
			return
		}
	}
}

// BatchingOrigin writes its events PerWrite at a time, one write every
// PerWrite events' worth of cadence: an application that batches its own
// writes. PerWrite 1 is the fixed variant.
type BatchingOrigin struct {
	Cadence
	PerWrite int
}

// ServeHTTP implements http.Handler.
func (o *BatchingOrigin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sseHeaders(w)
	flush := flusher(w)
	w.WriteHeader(http.StatusOK)
	flush()
	per := max(o.PerWrite, 1)
	var batch strings.Builder
	o.run(r, func(seq int) error {
		batch.WriteString(StampedEvent(seq, time.Now(), o.size()))
		if seq%per != 0 && (o.Count == 0 || seq != o.Count) {
			return nil
		}
		_, err := fmt.Fprint(w, batch.String())
		batch.Reset()
		flush()
		return err
	})
}

// RedirectLoop answers every request with a redirect to the other of two
// paths, /stream and /stream/, so that a client never reaches a stream.
type RedirectLoop struct{}

// ServeHTTP implements http.Handler.
func (RedirectLoop) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	next := "/stream/"
	if strings.HasSuffix(r.URL.Path, "/") {
		next = "/stream"
	}
	http.Redirect(w, r, next, http.StatusFound)
}

// DeadKind is a way for a stream to deliver no event.
type DeadKind string

// Ways to deliver no event.
const (
	DeadNoHeaders  DeadKind = "no-headers"  // accept the request and never answer
	DeadNoBlank    DeadKind = "no-blank"    // "data: ...\n" lines, never a blank line
	DeadJSONLines  DeadKind = "json-lines"  // newline-delimited JSON, no data: prefix
	DeadHugeLine   DeadKind = "huge-line"   // one line that never ends
	DeadHeaderOnly DeadKind = "header-only" // headers, then silence
)

// DeadOrigin is a stream that never delivers an event, in one of the ways
// of DeadKind, at the cadence given.
type DeadOrigin struct {
	Cadence
	Kind DeadKind
	// End ends the response after Count lines instead of holding it open,
	// so a client that does not reconnect knows it has all of it.
	End bool
}

// ServeHTTP implements http.Handler.
func (o *DeadOrigin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if o.Kind == DeadNoHeaders {
		<-r.Context().Done() // net/http sends nothing until the handler writes
		return
	}
	sseHeaders(w)
	flush := flusher(w)
	w.WriteHeader(http.StatusOK)
	flush()
	if o.Kind == DeadHeaderOnly {
		<-r.Context().Done()
		return
	}
	pad := strings.Repeat("x", max(o.size()-40, 0))
	o.run(r, func(seq int) error {
		var line string
		switch o.Kind {
		case DeadNoBlank:
			line = fmt.Sprintf("data: {\"seq\":%d,\"pad\":\"%s\"}\n", seq, pad)
		case DeadJSONLines:
			line = fmt.Sprintf("{\"seq\":%d,\"pad\":\"%s\"}\n", seq, pad)
		default:
			line = fmt.Sprintf("{\"seq\":%d,\"pad\":\"%s\"},", seq, pad)
		}
		_, err := fmt.Fprint(w, line)
		flush()
		return err
	})
	if o.End {
		return
	}
	<-r.Context().Done()
}

// HTTP10Origin is a raw HTTP/1.0 server: its replies have no chunking and
// no Content-Length, so a body ends only when the connection closes, as
// an old server or a CGI gateway answers. It flushes each event unless
// NoFlush is set; then its writes leave in 4096-byte blocks.
type HTTP10Origin struct {
	Cadence
	NoFlush bool
	// URL is the base URL, set by Start.
	URL string

	ln net.Listener
	wg sync.WaitGroup
}

// Start listens on 127.0.0.1 until the test ends.
func (o *HTTP10Origin) Start(t testing.TB) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("HTTP/1.0 origin: %v", err)
	}
	o.ln, o.URL = ln, "http://"+ln.Addr().String()
	o.wg.Add(1)
	go o.accept()
	t.Cleanup(func() { _ = ln.Close(); o.wg.Wait() })
}

func (o *HTTP10Origin) accept() {
	defer o.wg.Done()
	for {
		c, err := o.ln.Accept()
		if err != nil {
			return
		}
		o.wg.Add(1)
		go func() {
			defer o.wg.Done()
			o.serve(c)
		}()
	}
}

func (o *HTTP10Origin) serve(c net.Conn) {
	defer c.Close()
	req, err := http.ReadRequest(bufio.NewReader(c))
	if err != nil {
		return
	}
	w := bufio.NewWriterSize(c, 4096)
	_, _ = fmt.Fprint(w, "HTTP/1.0 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\r\n")
	o.run(req, func(seq int) error {
		_, err := fmt.Fprint(w, StampedEvent(seq, time.Now(), o.size()))
		if !o.NoFlush && err == nil {
			err = w.Flush()
		}
		return err
	})
	_ = w.Flush()
}

// StartHandler serves h on 127.0.0.1 until the test ends.
func StartHandler(t testing.TB, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}
