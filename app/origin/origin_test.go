package origin

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/sse"
)

// guard bounds every blocking read so a broken route fails instead of
// hanging; no test expects to come near it.
const guard = 10 * time.Second

// item is a copy of what the parser reported.
type item struct {
	kind sse.ItemKind
	typ  string
	data string
	id   string
}

// sseReader reads a response like a client would, parsing with the
// inspector's parser, one network read at a time.
type sseReader struct {
	t       *testing.T
	resp    *http.Response
	parser  sse.Parser
	pending []item
	reads   int64
	err     error // how the body ended, once it did
}

func get(t *testing.T, url string, header http.Header) *http.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), guard)
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func openStream(t *testing.T, url string, header http.Header) *sseReader {
	t.Helper()
	resp := get(t, url, header)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %s", url, resp.Status)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("GET %s: Content-Type %q", url, ct)
	}
	return &sseReader{t: t, resp: resp}
}

// next returns the next item, or false at the end of the body.
func (s *sseReader) next() (item, bool) {
	s.t.Helper()
	buf := make([]byte, 4096)
	for len(s.pending) == 0 {
		if s.err != nil {
			return item{}, false
		}
		n, err := s.resp.Body.Read(buf)
		s.parser.Feed(buf[:n], s.reads, func(it *sse.Item) {
			s.pending = append(s.pending, item{kind: it.Kind, typ: it.Type, data: string(it.Data), id: it.ID})
		})
		s.reads++
		if err != nil {
			s.err = err
		}
	}
	it := s.pending[0]
	s.pending = s.pending[1:]
	return it, true
}

func (s *sseReader) nextEvent() item {
	s.t.Helper()
	it, ok := s.next()
	if !ok {
		s.t.Fatalf("stream ended (%v) before the next item", s.err)
	}
	if it.kind != sse.ItemEvent {
		s.t.Fatalf("got item %+v, want an event", it)
	}
	return it
}

func newServer(t *testing.T, opts Options) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(New(opts))
	t.Cleanup(srv.Close)
	return srv
}

func TestEventCountsPerClient(t *testing.T) {
	srv := newServer(t, Options{Interval: 5 * time.Millisecond})
	a := openStream(t, srv.URL+"/event", nil)
	if cc := a.resp.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("Cache-Control = %q", cc)
	}
	for want := 1; want <= 3; want++ {
		ev := a.nextEvent()
		if ev.data != strconv.Itoa(want) || ev.id != ev.data || ev.typ != "message" {
			t.Fatalf("client A event %d = %+v", want, ev)
		}
	}
	// A second client starts its own count, not A's.
	b := openStream(t, srv.URL+"/event", nil)
	if ev := b.nextEvent(); ev.data != "1" {
		t.Errorf("client B's first event = %q, want 1", ev.data)
	}
	if ev := a.nextEvent(); ev.data != "4" {
		t.Errorf("client A went on with %q, want 4", ev.data)
	}
}

func TestEventResumesAfterLastEventID(t *testing.T) {
	srv := newServer(t, Options{Interval: time.Hour})
	for _, tc := range []struct{ lastID, first string }{{"41", "42"}, {"not-a-number", "1"}} {
		s := openStream(t, srv.URL+"/event", http.Header{"Last-Event-Id": {tc.lastID}})
		if ev := s.nextEvent(); ev.data != tc.first {
			t.Errorf("after Last-Event-ID %q: first event %q, want %s", tc.lastID, ev.data, tc.first)
		}
	}
}

func TestEventHeartbeat(t *testing.T) {
	// With an hour between events, whatever follows the first event is
	// the heartbeat.
	srv := newServer(t, Options{Interval: time.Hour})
	s := openStream(t, srv.URL+"/event?heartbeat=1ms", nil)
	s.nextEvent()
	for range 2 {
		it, ok := s.next()
		if !ok || it.kind != sse.ItemComment || strings.TrimSpace(it.data) != "heartbeat" {
			t.Fatalf("got %+v, want a heartbeat comment", it)
		}
	}
}

func TestStamped(t *testing.T) {
	srv := newServer(t, Options{})
	before := time.Now()
	s := openStream(t, srv.URL+"/stamped?rate=1000&size=200&count=5", nil)
	var lastSent int64
	for want := 1; want <= 5; want++ {
		ev := s.nextEvent()
		if len(ev.data) != 200 {
			t.Errorf("event %d: %d bytes of data, want 200", want, len(ev.data))
		}
		var payload struct {
			Seq  int    `json:"seq"`
			Sent int64  `json:"sent"`
			Pad  string `json:"pad"`
		}
		if err := json.Unmarshal([]byte(ev.data), &payload); err != nil {
			t.Fatalf("event %d: %v in %q", want, err, ev.data)
		}
		if payload.Seq != want || ev.id != strconv.Itoa(want) {
			t.Errorf("event %d: seq %d id %q", want, payload.Seq, ev.id)
		}
		if payload.Sent < before.UnixNano() || payload.Sent > time.Now().UnixNano() || payload.Sent < lastSent {
			t.Errorf("event %d: sent %d out of order or outside the request", want, payload.Sent)
		}
		if strings.Trim(payload.Pad, "x") != "" {
			t.Errorf("event %d: pad %q", want, payload.Pad)
		}
		lastSent = payload.Sent
	}
	if it, ok := s.next(); ok {
		t.Errorf("got %+v after the count", it)
	}
	if !errors.Is(s.err, io.EOF) {
		t.Errorf("stream ended with %v, want a clean end", s.err)
	}
}

func TestStampedSmallSizeIsNotTruncated(t *testing.T) {
	srv := newServer(t, Options{})
	ev := openStream(t, srv.URL+"/stamped?size=1&count=1", nil).nextEvent()
	if !json.Valid([]byte(ev.data)) || !strings.Contains(ev.data, `"pad":""`) {
		t.Errorf("data = %q, want valid JSON with an empty pad", ev.data)
	}
}

func TestStampedTellsAFinishedClientToStop(t *testing.T) {
	srv := newServer(t, Options{})
	resp := get(t, srv.URL+"/stamped?count=5", http.Header{"Last-Event-Id": {"5"}})
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("status %d, want 204", resp.StatusCode)
	}
}

func TestQuietGoesSilent(t *testing.T) {
	srv := newServer(t, Options{})
	s := openStream(t, srv.URL+"/quiet?after=3&heartbeat=2ms", nil)
	for want := 1; want <= 3; want++ {
		if ev := s.nextEvent(); ev.data != strconv.Itoa(want) {
			t.Fatalf("event %d = %q", want, ev.data)
		}
	}
	// Only heartbeats follow; they prove the connection is still open.
	for range 3 {
		if it, ok := s.next(); !ok || it.kind != sse.ItemComment {
			t.Fatalf("got %+v (open: %v), want only comments after the events", it, ok)
		}
	}
}

func TestBadParameters(t *testing.T) {
	srv := newServer(t, Options{MaxSize: 1000})
	for _, path := range []string{
		"/event?heartbeat=soon",
		"/event?heartbeat=0",
		"/stamped?rate=0",
		"/stamped?rate=1000000",
		"/stamped?size=1001",
		"/stamped?count=-1",
		"/quiet?after=x",
	} {
		if resp := get(t, srv.URL+path, nil); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("GET %s: status %d, want 400", path, resp.StatusCode)
		}
	}
}

func TestIndexPage(t *testing.T) {
	srv := newServer(t, Options{})
	resp := get(t, srv.URL+"/", nil)
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("GET /: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{`new EventSource("/event"`, `id="events"`, `document.title`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if resp := get(t, srv.URL+"/nothing-here", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /nothing-here: %d, want 404", resp.StatusCode)
	}
}

func TestServeEndsStreamsWhenCancelled(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, ln, Options{Interval: time.Hour}) }()

	s := openStream(t, "http://"+ln.Addr().String()+"/event", nil)
	s.nextEvent()
	cancel()
	if it, ok := s.next(); ok {
		t.Errorf("got %+v after the server stopped", it)
	}
	if !errors.Is(s.err, io.EOF) {
		t.Errorf("stream ended with %v, want a clean end", s.err)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve = %v", err)
		}
	case <-time.After(guard):
		t.Fatal("Serve did not return")
	}
}
