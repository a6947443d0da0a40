package proxytap

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/websocket"

	"github.com/sseinspector/sseinspector/inspector"
)

func TestCloseEndsStreamsAsCancelled(t *testing.T) {
	origin := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		sseHeaders(w)
		writePieces(w, "data: first\n\n")
		<-r.Context().Done()
	})
	tap, sess, base := startTap(t, Config{Upstream: origin.URL})
	resp := getStream(t, rawClient(), base+"/")
	defer resp.Body.Close()
	readDataLines(t, resp.Body, 1)
	if err := tap.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	// Close waited for the stream to record its end: no waiting needed.
	l := laneOfKind(sess.Snapshot(), inspector.LaneTap)
	if c := l.Conns[0]; c.Cause != inspector.CauseCancelled || l.Len() != 1 {
		t.Errorf("after Close: cause %q with %d events, want cancelled with 1", c.Cause, l.Len())
	}
	if _, err := io.ReadAll(resp.Body); err == nil {
		t.Error("the browser's stream ended cleanly when the tap stopped; it must see the connection drop")
	}
}

func TestUpgradesPassThrough(t *testing.T) {
	origin := newOrigin(t, websocket.Handler(func(ws *websocket.Conn) { io.Copy(ws, ws) }).ServeHTTP)
	_, sess, base := startTap(t, Config{Upstream: origin.URL})
	ws, err := websocket.Dial(strings.Replace(base, "http", "ws", 1)+"/ws", "", base)
	if err != nil {
		t.Fatalf("websocket through the tap: %v", err)
	}
	websocket.Message.Send(ws, "ping")
	var echo string
	if err := websocket.Message.Receive(ws, &echo); err != nil || echo != "ping" {
		t.Fatalf("echo %q, %v", echo, err)
	}
	ws.Close()
	snap := waitFor(t, sess, "the upgrade's request lane", connsEnded(inspector.LaneRequest, 1))
	if c := laneOfKind(snap, inspector.LaneRequest).Conns[0]; c.Status != http.StatusSwitchingProtocols {
		t.Errorf("upgrade recorded with status %d, want 101", c.Status)
	}
}

func TestStalledBrowserDoesNotHoldUpOtherStreams(t *testing.T) {
	stalledBlocked := make(chan struct{})
	origin := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		sseHeaders(w)
		if r.URL.Path == "/fat" {
			// Push until the stalled browser's buffers and the tap's are full
			// and this write blocks for good.
			big := "data: " + strings.Repeat("x", 64<<10) + "\n\n"
			rc := http.NewResponseController(w)
			for i := 0; ; i++ {
				rc.SetWriteDeadline(time.Now().Add(300 * time.Millisecond))
				if _, err := io.WriteString(w, big); err != nil {
					close(stalledBlocked)
					<-r.Context().Done()
					return
				}
				rc.Flush()
			}
		}
		writePieces(w, "data: 1\n\n", "data: 2\n\n", "data: 3\n\n")
	})
	_, sess, base := startTap(t, Config{Upstream: origin.URL})
	stalled := getStream(t, rawClient(), base+"/fat") // never read
	defer stalled.Body.Close()
	select {
	case <-stalledBlocked:
	case <-time.After(20 * time.Second):
		t.Fatal("the stalled stream never filled up")
	}

	resp := getStream(t, rawClient(), base+"/ok")
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || strings.Count(string(body), "data:") != 3 {
		t.Fatalf("other stream: %q, %v", body, err)
	}
	waitFor(t, sess, "the other stream's recording", func(s *inspector.Snapshot) bool {
		for _, l := range s.Lanes {
			if strings.HasSuffix(l.Info.URL, "/ok") && l.Len() == 3 && !l.Conns[0].Open() {
				return true
			}
		}
		return false
	})
}

func TestUpstreamReadTimeoutIsRecordedAsTimeout(t *testing.T) {
	origin := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		sseHeaders(w)
		writePieces(w, "data: 1\n\n")
		<-r.Context().Done()
	})
	// A dialer whose connections time out reads after a moment stands in
	// for a transport with a read timeout.
	var d net.Dialer
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err == nil {
			c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		}
		return c, err
	}
	_, sess, base := startTap(t, Config{Upstream: origin.URL, DialContext: dial})
	resp := getStream(t, rawClient(), base+"/")
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil || string(body) != "data: 1\n\n" {
		t.Errorf("browser got %q and %v; want the event, then an aborted stream", body, err)
	}
	snap := waitFor(t, sess, "the stream's end", connsEnded(inspector.LaneTap, 1))
	if c := laneOfKind(snap, inspector.LaneTap).Conns[0]; c.Cause != inspector.CauseTimeout {
		t.Errorf("cause %q (%s), want timeout", c.Cause, c.Err)
	}
}
