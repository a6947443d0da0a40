package proxytap

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// loadParams is the size of a load run: streams concurrent event streams,
// each rate events/s for seconds.
type loadParams struct {
	streams, rate, seconds int
}

func (p loadParams) perStream() int { return p.rate * p.seconds }

// TestTapLoad runs many concurrent event streams through one tap for a
// while and checks that not one event is lost, reordered or misrecorded.
// By default it runs a scaled-down load that fits in the test suite: 200
// streams × 10 events/s × 10 s. With SSEI_LOAD=1 (make load-tap) it runs
// the full one, 1,000 streams × 10 events/s × 30 s:
//
//	SSEI_LOAD=1 go test -run TestTapLoad -count=1 -timeout 30m -v ./proxytap
//
// SSEI_LOAD_STREAMS, SSEI_LOAD_RATE and SSEI_LOAD_SECONDS override the
// full run's figures.
func TestTapLoad(t *testing.T) {
	p := loadParams{streams: 200, rate: 10, seconds: 10}
	if os.Getenv("SSEI_LOAD") == "1" {
		p = loadParams{streams: envInt("SSEI_LOAD_STREAMS", 1000), rate: envInt("SSEI_LOAD_RATE", 10), seconds: envInt("SSEI_LOAD_SECONDS", 30)}
	} else if testing.Short() {
		t.Skip("load test: 10 s; skipped with -short")
	}
	origin := newOrigin(t, loadOrigin(p))
	_, sess, base := startTap(t, Config{Upstream: origin.URL})

	start := time.Now()
	stopSampling := sampleRSS()
	received, failures := runLoadClients(t, base, p)
	peak := stopSampling()
	elapsed := time.Since(start)
	if failures > 0 {
		t.Fatalf("%d of %d streams failed", failures, p.streams)
	}

	recorded, delays := checkRecorded(t, sess, p)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("%d streams × %d events in %v: %d received by clients, %d recorded (%.0f events/s)",
		p.streams, p.perStream(), elapsed.Round(time.Millisecond), received, recorded, float64(recorded)/elapsed.Seconds())
	t.Logf("tap from the upstream read to the browser write's return (delivered - arrival): p50 %v p99 %v", percentile(delays, 50), percentile(delays, 99))
	t.Logf("resident memory (origin, tap, session and clients in one process): peak %.1f MiB, now %.1f MiB; Go heap in use %.1f MiB",
		float64(peak)/(1<<20), float64(residentBytes())/(1<<20), float64(ms.HeapInuse)/(1<<20))
	if want := int64(p.streams * p.perStream()); received != want || recorded != want {
		t.Errorf("received %d, recorded %d, want %d each", received, recorded, want)
	}
}

// loadOrigin serves each stream its events at the load's rate, numbered
// from 1 and stamped with their send time, then ends it.
func loadOrigin(p loadParams) http.HandlerFunc {
	period := time.Second / time.Duration(p.rate)
	return func(w http.ResponseWriter, r *http.Request) {
		sseHeaders(w)
		rc := http.NewResponseController(w)
		rc.Flush()
		tick := time.NewTicker(period)
		defer tick.Stop()
		for i := 1; i <= p.perStream(); i++ {
			select {
			case <-tick.C:
			case <-r.Context().Done():
				return
			}
			fmt.Fprintf(w, "id: %d\ndata: {\"seq\":%d,\"sent\":%d}\n\n", i, i, time.Now().UnixNano())
			rc.Flush()
		}
	}
}

// runLoadClients opens every stream through the tap at once and reads it
// to its end, checking the ids arrive complete and in order. It returns
// the events received and the streams that failed (the first failures
// are reported as test errors).
func runLoadClients(t *testing.T, base string, p loadParams) (received, failures int64) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: p.streams, DisableCompression: true}}
	var wg sync.WaitGroup
	var failed, got atomic.Int64
	errs := make(chan string, 20)
	fail := func(format string, a ...any) {
		failed.Add(1)
		select {
		case errs <- fmt.Sprintf(format, a...):
		default:
		}
	}
	for s := 0; s < p.streams; s++ {
		wg.Add(1)
		go func(s int) {
			defer wg.Done()
			n, err := readLoadStream(client, fmt.Sprintf("%s/stream/%d", base, s), &got)
			if err != nil {
				fail("stream %d: %v", s, err)
			} else if n != p.perStream() {
				fail("stream %d: %d events, want %d", s, n, p.perStream())
			}
		}(s)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	return got.Load(), failed.Load()
}

// readLoadStream reads one stream and returns how many events arrived in
// order, counting each in got.
func readLoadStream(client *http.Client, url string, got *atomic.Int64) (int, error) {
	req, _ := http.NewRequestWithContext(context.Background(), "GET", url, nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	next := 1
	for sc.Scan() {
		id, ok := strings.CutPrefix(sc.Text(), "id: ")
		if !ok {
			continue
		}
		if id != strconv.Itoa(next) {
			return next - 1, fmt.Errorf("got id %s, want %d", id, next)
		}
		next++
		got.Add(1)
	}
	return next - 1, sc.Err()
}

// sampleRSS samples the process's resident memory every second until the
// returned stop is called, which returns the peak.
func sampleRSS() (stop func() int64) {
	done := make(chan struct{})
	sampled := make(chan struct{})
	var peak int64
	go func() {
		defer close(sampled)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			if rss := residentBytes(); rss > peak {
				peak = rss
			}
			select {
			case <-tick.C:
			case <-done:
				return
			}
		}
	}()
	return func() int64 { close(done); <-sampled; return peak }
}

// checkRecorded waits until the tap recorded every stream's end, checks
// each lane holds all its events, and returns the events recorded and
// their write+record delays.
func checkRecorded(t *testing.T, sess *inspector.Session, p loadParams) (int64, []time.Duration) {
	snap := waitFor(t, sess, "every stream's end", func(s *inspector.Snapshot) bool {
		ended := 0
		for _, l := range s.Lanes {
			if l.Info.Kind == inspector.LaneTap && len(l.Conns) == 1 && !l.Conns[0].Open() {
				ended++
			}
		}
		return ended == p.streams
	})
	var recorded int64
	var delays []time.Duration
	for _, l := range snap.Lanes {
		if l.Info.Kind != inspector.LaneTap {
			continue
		}
		if c := l.Conns[0]; c.Cause != inspector.CauseEOF || l.TotalEvents() != int64(p.perStream()) || l.DroppedEvents != 0 {
			t.Errorf("lane %s: cause %q, %d events (%d dropped), want eof and %d", l.Info.URL, c.Cause, l.TotalEvents(), l.DroppedEvents, p.perStream())
		}
		recorded += l.TotalEvents()
		l.Scan(0, l.Len(), func(i int, m *inspector.EventMeta) bool {
			delays = append(delays, m.Delivered-m.Arrival)
			return true
		})
	}
	return recorded, delays
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// residentBytes is the process's resident set size (VmRSS), 0 if unknown.
func residentBytes() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
