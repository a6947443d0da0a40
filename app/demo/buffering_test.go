package demo

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// callLog is a ResponseWriter that records the order of calls.
type callLog struct {
	header http.Header
	calls  []string
	body   bytes.Buffer
}

func (c *callLog) Header() http.Header  { return c.header }
func (c *callLog) WriteHeader(code int) { c.calls = append(c.calls, fmt.Sprintf("header %d", code)) }
func (c *callLog) Write(b []byte) (int, error) {
	c.calls = append(c.calls, fmt.Sprintf("write %d", len(b)))
	return c.body.Write(b)
}
func (c *callLog) Flush() { c.calls = append(c.calls, "flush") }

func TestPageWriterHoldsHeadersAndReleasesPages(t *testing.T) {
	log := &callLog{header: http.Header{}}
	w := &pageWriter{ResponseWriter: log, page: 4096}
	w.WriteHeader(http.StatusOK)
	event := []byte("data: " + strings.Repeat("x", 92) + "\n\n") // 100 bytes
	for i := 0; i < 40; i++ {
		w.Write(event)
		w.Flush()
	}
	if len(log.calls) != 0 {
		t.Fatalf("released %v before a page was full (4000 B buffered)", log.calls)
	}
	for i := 0; i < 50; i++ {
		w.Write(event)
	}
	w.finish()
	want := []string{"header 200", "write 4096", "flush", "write 4096", "flush", "write 808", "flush"}
	if fmt.Sprint(log.calls) != fmt.Sprint(want) {
		t.Fatalf("calls = %v, want %v", log.calls, want)
	}
	if log.body.Len() != 9000 {
		t.Fatalf("body = %d bytes, want 9000", log.body.Len())
	}
}

func TestBufferingProxyPassesBodyIntact(t *testing.T) {
	var sent bytes.Buffer
	for i := 1; i <= 300; i++ {
		fmt.Fprintf(&sent, "id: %d\ndata: %d\n\n", i, i)
	}
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Write(sent.Bytes())
	}))
	defer origin.Close()
	u, _ := url.Parse(origin.URL)
	proxy := httptest.NewServer(&BufferingProxy{Upstream: u})
	defer proxy.Close()
	resp, err := http.Get(proxy.URL + "/event")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, sent.Bytes()) {
		t.Fatalf("body differs: got %d bytes, sent %d", len(got), sent.Len())
	}
	if resp.Header.Get("Via") == "" || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("headers = %v", resp.Header)
	}
}
