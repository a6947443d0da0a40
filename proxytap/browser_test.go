package proxytap

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// countingPage is an origin's page whose EventSource on /event counts the
// events it receives in document.title.
const countingPage = `<!doctype html><html><head><title>0</title></head><body><script>
let received = 0;
const es = new EventSource("/event");
es.onmessage = () => { received++; document.title = String(received); };
</script></body></html>`

// countingOrigin serves countingPage and, on /event, data: 1, 2, 3, …
// one per second until the browser leaves.
func countingOrigin() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, countingPage)
	})
	mux.HandleFunc("/event", func(w http.ResponseWriter, r *http.Request) {
		sseHeaders(w)
		rc := http.NewResponseController(w)
		for i := 1; ; i++ {
			fmt.Fprintf(w, "data: %d\n\n", i)
			rc.Flush()
			// A second after the write, not on a ticker's schedule: a late
			// write must not bring the next one closer.
			select {
			case <-time.After(time.Second):
			case <-r.Context().Done():
				return
			}
		}
	})
	return mux
}

// checkCountingLane checks the tap's recording of the page's EventSource:
// data 1, 2, 3 in order, a second or so apart, each delivered.
func checkCountingLane(t *testing.T, sess *inspector.Session, wantURL string) {
	t.Helper()
	snap := waitFor(t, sess, "three events on the tapped stream", func(s *inspector.Snapshot) bool {
		l := laneOfKind(s, inspector.LaneTap)
		return l != nil && l.Len() >= 3
	})
	l := laneOfKind(snap, inspector.LaneTap)
	if l.Info.URL != wantURL {
		t.Errorf("tapped stream URL %q, want %q", l.Info.URL, wantURL)
	}
	c := l.Conns[0]
	if ua := c.RequestHeader.Get("User-Agent"); !strings.Contains(ua, "Chrome") || c.RequestHeader.Get("Accept") != "text/event-stream" {
		t.Errorf("recorded request headers are not the browser's EventSource request: %v", c.RequestHeader)
	}
	events := l.Events()
	for i, e := range events[:3] {
		if e.Data != strconv.Itoa(i+1) || e.Delivered < e.Arrival {
			t.Errorf("event %d: data %q arrival %v delivered %v, want data %d delivered after arrival", i, e.Data, e.Arrival, e.Delivered, i+1)
		}
		if i > 0 {
			// The origin writes a second apart; a busy machine may
			// stretch the gap, so only its lower bound is checked.
			if gap := e.Arrival - events[i-1].Arrival; gap < 500*time.Millisecond {
				t.Errorf("event %d arrived %v after the previous one, want about 1 s", i, gap)
			}
		}
	}
	if page := laneOfKind(snap, inspector.LaneRequest); page != nil && page.Conns[0].Status != 200 {
		t.Errorf("page request recorded with status %d", page.Conns[0].Status)
	}
}

func TestChromiumThroughReverseTap(t *testing.T) {
	origin := newOrigin(t, countingOrigin().ServeHTTP)
	_, sess, base := startTap(t, Config{Upstream: origin.URL})
	b := startChromium(t, base+"/")
	title := b.waitTitleAtLeast(t, 3, 20*time.Second)
	t.Logf("page title %s", title)
	checkCountingLane(t, sess, origin.URL+"/event")
}

// The forward tap over HTTPS is tested with the very command the trust
// instructions print: TestChromiumWithThePrintedTrustCommand.
