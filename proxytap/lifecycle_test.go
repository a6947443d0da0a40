package proxytap

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/websocket"

	"sseinspector/inspector"
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
