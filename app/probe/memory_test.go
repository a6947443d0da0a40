package probe

import (
	"net/http/httptest"
	"testing"
	"time"

	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// The recording a probe keeps stays within its lane cap and its
// connection bound however much the stream sends; the figures outside it
// are counters. (make probe-soak measures the process's RSS over a long
// run.)
func TestProbeRecordingStaysBounded(t *testing.T) {
	origin := (&it.Origin{Rate: 400, Size: 1000}).Start(t)
	flappy := httptest.NewServer(&endingOrigin{})
	t.Cleanup(flappy.Close)
	const capBytes = 64 << 10
	p := startProbe(t, Config{Window: time.Minute, Evaluate: 50 * time.Millisecond, Probes: []Target{
		{Name: "fast", URL: origin.URL, Reference: origin.URL, LaneBytes: capBytes},
		{Name: "flappy", URL: flappy.URL, MaxConns: 8, LaneBytes: capBytes},
	}})
	// At 400 events/s of 1 kB, 64 KiB hold about 0.15 s: wait until the
	// fast stream has sent several times that.
	for n := 1; ; n++ {
		waitEvaluations(t, p, n)
		if scrape(t, p.Handler()).value("sseinspector_bytes_total", map[string]string{"probe": "fast"}) > 8*capBytes {
			break
		}
	}
	for _, tg := range p.targets {
		g := tg.current.Load()
		snap := g.sess.Snapshot()
		for _, l := range snap.Lanes {
			// The cap counts stored events, reads and notes; the newest
			// block of each is always kept, and it holds at least the
			// events of the last read, which on a loaded machine can carry
			// hundreds at once: allow one block over, or the largest read.
			largest := 0
			for _, r := range l.Reads() {
				largest = max(largest, r.Size)
			}
			if l.MemoryBytes > 2*capBytes+2*int64(largest) {
				t.Errorf("%s/%s holds %d bytes, cap %d (largest read %d B)", tg.cfg.Name, l.Info.Name, l.MemoryBytes, capBytes, largest)
			}
			if len(l.Conns) > tg.cfg.MaxConns {
				t.Errorf("%s/%s holds %d connections, bound %d", tg.cfg.Name, l.Info.Name, len(l.Conns), tg.cfg.MaxConns)
			}
		}
		if tg.cfg.Name == "fast" {
			if l := snap.Lane(g.probed.subscription().Lane().ID()); l.DroppedEvents == 0 {
				t.Errorf("fast: no events dropped: the cap was never reached (%d events held)", l.Len())
			}
		}
	}
}
