package inspector_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/inspectortest"
	"github.com/sseinspector/sseinspector/inspector/sse"
)

// TestSubscriberHTTP2PerDataFrame checks that over HTTP/2 (Go's client
// and server, over TLS) each event is reported when its DATA frame
// arrives, and that the lane records the protocol.
func TestSubscriberHTTP2PerDataFrame(t *testing.T) {
	srv, release := inspectortest.HTTP2TwoEvents(t)
	tr := &inspector.StreamTransport{TLSClientConfig: srv.Client().Transport.(*http.Transport).TLSClientConfig}
	t.Cleanup(tr.CloseIdleConnections)
	sess := inspector.NewSession(inspector.Limits{})
	got := make(chan string, 4)
	sub, err := inspector.Subscribe(t.Context(), sess,
		inspector.Request{URL: srv.URL, NoReconnect: true, Client: &http.Client{Transport: tr}},
		inspector.Hooks{OnItem: func(_ *inspector.Lane, it *sse.Item, _ time.Duration) { got <- string(it.Data) }})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Stop()
	for i, want := range []string{"one", "two"} {
		select {
		case ev := <-got:
			if ev != want {
				t.Fatalf("event %q, want %q", ev, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("event %q not reported before the server wrote again", want)
		}
		if i == 0 {
			close(release)
		}
	}
	<-sub.Done()
	if c := sub.Lane().Snapshot().Conns[0]; c.Proto != "HTTP/2.0" || c.Cause != inspector.CauseEOF {
		t.Errorf("conn proto %q cause %s, want HTTP/2.0, eof", c.Proto, c.Cause)
	}
}

// TestStreamTransportReusesConnections checks keep-alive: a response read
// to its end returns its connection to the pool, and a connection the
// server closed while idle is replaced without failing the request.
func TestStreamTransportReusesConnections(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello")
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	client := &http.Client{Transport: &inspector.StreamTransport{}}
	get := func() {
		t.Helper()
		resp, err := client.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || string(b) != "hello" {
			t.Fatalf("body %q, %v", b, err)
		}
	}
	get()
	get()
	// A bodiless answer returns its connection even when nobody reads it.
	head, err := client.Head(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	head.Body.Close()
	get()
	if conns.Load() != 1 {
		t.Errorf("%d connections for four requests, want 1", conns.Load())
	}
	srv.CloseClientConnections()
	get()
	if conns.Load() != 2 {
		t.Errorf("%d connections after the server closed the idle one, want 2", conns.Load())
	}
}

// TestStreamTransportCancelWakesRead checks that cancelling the request
// wakes a body read waiting for bytes, and that the read reports the
// cancellation, not an end of stream.
func TestStreamTransportCancelWakesRead(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: one\n\n")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(t.Context())
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	resp, err := (&http.Client{Transport: &inspector.StreamTransport{}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 64)
	if n, err := resp.Body.Read(buf); err != nil || string(buf[:n]) != "data: one\n\n" {
		t.Fatalf("first read %q, %v", buf[:n], err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := resp.Body.Read(buf)
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("blocked read ended with %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("cancelling did not wake the blocked read")
	}
}
