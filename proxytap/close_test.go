package proxytap

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
	"golang.org/x/net/websocket"
)

// TestCloseEndsUpgradedConnections checks that Close ends a WebSocket
// upgraded through the tap, on both sides, and returns without waiting
// out closeWait (it would return an error then).
func TestCloseEndsUpgradedConnections(t *testing.T) {
	originDone := make(chan struct{})
	origin := newOrigin(t, websocket.Handler(func(ws *websocket.Conn) {
		defer close(originDone)
		io.Copy(ws, ws)
	}).ServeHTTP)
	tap, sess, base := startTap(t, Config{Upstream: origin.URL})
	ws, err := websocket.Dial(strings.Replace(base, "http", "ws", 1)+"/ws", "", base)
	if err != nil {
		t.Fatalf("websocket through the tap: %v", err)
	}
	defer ws.Close()
	websocket.Message.Send(ws, "ping")
	var echo string
	if err := websocket.Message.Receive(ws, &echo); err != nil || echo != "ping" {
		t.Fatalf("echo %q, %v", echo, err)
	}

	if err := tap.Close(); err != nil {
		t.Fatalf("Close with an upgraded connection open: %v", err)
	}
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	var ne net.Error
	if err := websocket.Message.Receive(ws, &echo); err == nil || errors.As(err, &ne) && ne.Timeout() {
		t.Errorf("the browser's side is still open after Close: %v", err)
	}
	select {
	case <-originDone:
	case <-time.After(10 * time.Second):
		t.Error("the upstream side is still open after Close")
	}
	if c := laneOfKind(sess.Snapshot(), inspector.LaneRequest).Conns[0]; c.Open() {
		t.Error("the upgrade's request is still open in the recording after Close")
	}
}

// TestCloseWhileRequestsArrive closes the tap while requests keep
// arriving: no request may be counted after Close started waiting (run
// with -race, a late WaitGroup.Add is reported; without, it can panic).
func TestCloseWhileRequestsArrive(t *testing.T) {
	origin := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		sseHeaders(w)
		writePieces(w, "data: 1\n\n")
	})
	for round := 0; round < 5; round++ {
		tap, _, base := startTap(t, Config{Upstream: origin.URL})
		client := rawClient()
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					// Requests fail once the tap is closed; that is expected.
					if resp, err := client.Get(base + "/s"); err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
					}
				}
			}()
		}
		time.Sleep(20 * time.Millisecond) // let requests be in flight; any moment will do
		err := tap.Close()
		close(stop)
		wg.Wait()
		if err != nil {
			t.Fatalf("round %d: Close: %v", round, err)
		}
	}
}

// TestStopFreesTheAddressAtOnce checks that when Stop returns, the
// listener is closed (a window restarts the tap on the same address from
// its UI goroutine without waiting for streams to record their end).
func TestStopFreesTheAddressAtOnce(t *testing.T) {
	origin := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		sseHeaders(w)
		writePieces(w, "data: 1\n\n")
		<-r.Context().Done()
	})
	tap, _, base := startTap(t, Config{Upstream: origin.URL})
	resp := getStream(t, rawClient(), base+"/s")
	defer resp.Body.Close()
	result := tap.Stop()
	again, err := New(Config{Upstream: origin.URL})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := again.Start(strings.TrimPrefix(base, "http://")); err != nil {
		t.Errorf("the address is still taken after Stop: %v", err)
	}
	again.Close()
	if err := <-result; err != nil {
		t.Errorf("Stop's result: %v", err)
	}
}

// TestCloseEndsUpstreamHTTP2Connection closes the tap while a stream from
// an HTTP/2 upstream is open: the stream's connection to the upstream is
// busy when Close begins and idle once the stream has ended, and it must
// be closed then rather than kept open (with its reading goroutine) after
// the tap is gone.
func TestCloseEndsUpstreamHTTP2Connection(t *testing.T) {
	closed := make(chan struct{})
	origin := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sseHeaders(w)
		writePieces(w, "data: one\n\n")
		<-r.Context().Done()
	}))
	origin.EnableHTTP2 = true
	origin.Config.ConnState = func(c net.Conn, s http.ConnState) {
		if s == http.StateClosed {
			close(closed)
		}
	}
	origin.StartTLS()
	t.Cleanup(origin.Close)
	tap, sess, base := startTap(t, Config{Upstream: origin.URL,
		UpstreamTLS: origin.Client().Transport.(*http.Transport).TLSClientConfig})
	resp := getStream(t, rawClient(), base+"/s")
	defer resp.Body.Close()
	waitFor(t, sess, "one event recorded", func(s *inspector.Snapshot) bool {
		l := laneOfKind(s, inspector.LaneTap)
		return l != nil && len(l.Events()) == 1
	})
	if err := tap.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Error("the connection to the HTTP/2 upstream is still open after Close")
	}
}
