package proxytap

import (
	"bufio"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// TestTapForwardsEachReadAtOnce puts the tap in front of a server whose
// network read ends inside the next chunk: the complete event must reach
// the browser, and the recording, before the server writes again.
func TestTapForwardsEachReadAtOnce(t *testing.T) {
	one, two := inspectortest.Chunk("data: one-0\n\n"), inspectortest.Chunk("data: two-0\n\n")
	srv := inspectortest.StartWireScript(t, inspectortest.SSEHead, one+two[:6], two[6:]+"0\r\n\r\n")
	_, sess, base := startTap(t, Config{Upstream: strings.TrimSuffix(srv.URL, "/")})
	lines := make(chan string, 16)
	go func() {
		req, _ := http.NewRequestWithContext(t.Context(), "GET", base+"/", nil)
		req.Header.Set("Accept", "text/event-stream")
		// The browser side reads with the inspector's transport, whose
		// reads return as soon as the tap's writes arrive.
		resp, err := (&http.Client{Transport: &inspector.StreamTransport{}}).Do(req)
		if err != nil {
			t.Errorf("GET through the tap: %v", err)
			close(lines)
			return
		}
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	srv.Next()
	if got := nextData(t, lines); got != "data: one-0" {
		t.Fatalf("browser got %q first, want data: one-0", got)
	}
	snap := waitFor(t, sess, "one-0 recorded", func(s *inspector.Snapshot) bool {
		l := laneOfKind(s, inspector.LaneTap)
		return l != nil && len(l.Events()) == 1
	})
	if ev := laneOfKind(snap, inspector.LaneTap).Events()[0]; string(ev.Data) != "one-0" || ev.Delivered <= 0 {
		t.Errorf("recorded %q delivered at %v, want one-0 with a delivery time", ev.Data, ev.Delivered)
	}
	srv.Next()
	if got := nextData(t, lines); got != "data: two-0" {
		t.Fatalf("browser got %q second, want data: two-0", got)
	}
}

// nextData returns the next non-empty line the browser received.
func nextData(t *testing.T, lines <-chan string) string {
	t.Helper()
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("the stream ended early")
			}
			if l != "" {
				return l
			}
		case <-time.After(10 * time.Second):
			t.Fatal("nothing reached the browser before the server wrote again")
		}
	}
}

// TestTapForwardsEachHTTP2DataFrame puts the tap in front of an HTTP/2
// upstream (Go's server, over TLS): each event is forwarded, and
// recorded, when its DATA frame arrives, and the lane records HTTP/2.0.
func TestTapForwardsEachHTTP2DataFrame(t *testing.T) {
	origin, release := inspectortest.HTTP2TwoEvents(t)
	_, sess, base := startTap(t, Config{Upstream: origin.URL,
		UpstreamTLS: origin.Client().Transport.(*http.Transport).TLSClientConfig})
	lines := make(chan string, 8)
	go func() {
		defer close(lines)
		req, _ := http.NewRequestWithContext(t.Context(), "GET", base+"/", nil)
		req.Header.Set("Accept", "text/event-stream")
		resp, err := (&http.Client{Transport: &inspector.StreamTransport{}}).Do(req)
		if err != nil {
			t.Errorf("GET through the tap: %v", err)
			return
		}
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	if got := nextData(t, lines); got != "data: one" {
		t.Fatalf("browser got %q first, want data: one", got)
	}
	snap := waitFor(t, sess, "one recorded", func(s *inspector.Snapshot) bool {
		l := laneOfKind(s, inspector.LaneTap)
		return l != nil && len(l.Events()) == 1
	})
	if c := laneOfKind(snap, inspector.LaneTap).Conns[0]; c.Proto != "HTTP/2.0" {
		t.Errorf("upstream protocol recorded as %q, want HTTP/2.0", c.Proto)
	}
	close(release)
	if got := nextData(t, lines); got != "data: two" {
		t.Fatalf("browser got %q second, want data: two", got)
	}
}
