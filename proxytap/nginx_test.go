package proxytap

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// burst is reads arriving together.
type burst struct {
	at    time.Duration
	bytes int
}

// bursts groups a lane's reads that arrived within gap of each other.
func bursts(l *inspector.LaneSnapshot, gap time.Duration) []burst {
	var out []burst
	var last time.Duration
	for _, rd := range l.Reads() {
		if len(out) == 0 || rd.At-last > gap {
			out = append(out, burst{at: rd.At})
		}
		out[len(out)-1].bytes += rd.WireSize
		last = rd.At
	}
	return out
}

// tapThroughNginx runs origin → nginx (with directives) → tap and reads
// one stream through it, returning the tap's lane once the stream ended.
func tapThroughNginx(t *testing.T, period time.Duration, count, size int, directives string) *inspector.LaneSnapshot {
	origin := newOrigin(t, pacedOrigin(period, count, size))
	nginx := inspectortest.StartNginx(t, inspectortest.NginxConfig{Upstream: origin.URL, Location: directives})
	_, sess, base := startTap(t, Config{Upstream: nginx.URL})
	resp := getStream(t, rawClient(), base+"/events")
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || strings.Count(string(body), "\n\n") != count {
		t.Fatalf("read %d bytes with %d events through nginx (err %v), want %d events", len(body), strings.Count(string(body), "\n\n"), err, count)
	}
	snap := waitFor(t, sess, "the stream's end", connsEnded(inspector.LaneTap, 1))
	return laneOfKind(snap, inspector.LaneTap)
}

func TestNginxDefaultBufferingHoldsHeadersAndReleasesPages(t *testing.T) {
	t.Parallel()
	// 2.5 KB a second for 4 s: a page fills at 1 s (its first part holds
	// the upstream's headers), another at 3 s, the rest goes at the end.
	const period, count, size = time.Second, 5, 2500
	l := tapThroughNginx(t, period, count, size, "")
	c := l.Conns[0]
	for _, b := range bursts(l, 50*time.Millisecond) {
		t.Logf("burst at %v: %d bytes", b.at-c.Start, b.bytes)
	}
	// The first event left the origin at once; with buffering nginx held
	// even the status line until a page filled, at the second event.
	if held := c.HeadersAt - c.Start; held < period/2 {
		t.Errorf("headers arrived %v after the request; default nginx buffering should hold them until a page fills (~%v)", held, period)
	}
	if c.FirstByteAt < c.HeadersAt {
		t.Errorf("body bytes at %v before the held headers at %v", c.FirstByteAt, c.HeadersAt)
	}
	bs := bursts(l, 50*time.Millisecond)
	if len(bs) < 2 {
		t.Fatalf("%d bursts, want page-sized bursts then the rest", len(bs))
	}
	pages := 0
	for _, b := range bs[:len(bs)-1] {
		if b.bytes == 4096 {
			pages++
		}
	}
	if pages == 0 {
		t.Errorf("no 4096-byte burst among %v: nginx releases a buffered HTTP/1.0 upstream one page at a time", bs)
	}
	if c.Proto != "HTTP/1.1" || c.ResponseHeader.Get("Server") == "" || !strings.HasPrefix(c.ResponseHeader.Get("Server"), "nginx") {
		t.Errorf("proto %q Server %q, want nginx's HTTP/1.1 response", c.Proto, c.ResponseHeader.Get("Server"))
	}
	if l.Len() != count {
		t.Errorf("%d events recorded, want %d", l.Len(), count)
	}
}

func TestNginxBufferingOffPassesEachEventOnTime(t *testing.T) {
	t.Parallel()
	const period, count, size = time.Second, 4, 20
	l := tapThroughNginx(t, period, count, size, "proxy_buffering off;")
	c := l.Conns[0]
	if l.Len() != count {
		t.Fatalf("%d events recorded, want %d", l.Len(), count)
	}
	events := l.Events()
	// The origin sends its headers at once and the second event a period
	// later: headers held by a buffer would come with a later event.
	if c.HeadersAt >= events[1].Arrival {
		t.Errorf("headers arrived %v after the request, with the second event or later, want them at once", c.HeadersAt-c.Start)
	}
	for i := 1; i < len(events); i++ {
		gap := events[i].Arrival - events[i-1].Arrival
		// The origin writes a period apart; a busy machine may stretch a
		// gap, and a burst would shrink it: only its lower bound counts.
		if gap < period/2 {
			t.Errorf("event %d arrived %v after the previous one, want about %v", i, gap, period)
		}
		if events[i].Delivered < events[i].Arrival {
			t.Errorf("event %d delivered before it arrived", i)
		}
	}
}
