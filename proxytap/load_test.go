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

// TestTapLoad runs many concurrent event streams through one tap for a
// while and checks that not one event is lost, reordered or misrecorded.
// It takes the load parameters from the environment and is skipped unless
// SSEI_LOAD=1 (make load-tap):
//
//	SSEI_LOAD=1 go test -run TestTapLoad -count=1 -timeout 30m -v ./proxytap
//
// Defaults: 1,000 streams × 10 events/s × 30 s. SSEI_LOAD_STREAMS,
// SSEI_LOAD_RATE and SSEI_LOAD_SECONDS override them.
func TestTapLoad(t *testing.T) {
	if os.Getenv("SSEI_LOAD") != "1" {
		t.Skip("load test: set SSEI_LOAD=1 (make load-tap)")
	}
	streams, rate, seconds := envInt("SSEI_LOAD_STREAMS", 1000), envInt("SSEI_LOAD_RATE", 10), envInt("SSEI_LOAD_SECONDS", 30)
	perStream := rate * seconds
	period := time.Second / time.Duration(rate)

	origin := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		sseHeaders(w)
		rc := http.NewResponseController(w)
		rc.Flush()
		tick := time.NewTicker(period)
		defer tick.Stop()
		for i := 1; i <= perStream; i++ {
			select {
			case <-tick.C:
			case <-r.Context().Done():
				return
			}
			fmt.Fprintf(w, "id: %d\ndata: {\"seq\":%d,\"sent\":%d}\n\n", i, i, time.Now().UnixNano())
			rc.Flush()
		}
	})
	_, sess, base := startTap(t, Config{Upstream: origin.URL})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: streams, DisableCompression: true}}

	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	var wg sync.WaitGroup
	var failures atomic.Int64
	var received atomic.Int64
	errs := make(chan string, 20)
	fail := func(format string, a ...any) {
		failures.Add(1)
		select {
		case errs <- fmt.Sprintf(format, a...):
		default:
		}
	}
	for s := 0; s < streams; s++ {
		wg.Add(1)
		go func(s int) {
			defer wg.Done()
			req, _ := http.NewRequestWithContext(context.Background(), "GET", fmt.Sprintf("%s/stream/%d", base, s), nil)
			req.Header.Set("Accept", "text/event-stream")
			resp, err := client.Do(req)
			if err != nil {
				fail("stream %d: %v", s, err)
				return
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
					fail("stream %d: got id %s, want %d", s, id, next)
					return
				}
				next++
				received.Add(1)
			}
			if next-1 != perStream {
				fail("stream %d: %d events then %v, want %d", s, next-1, sc.Err(), perStream)
			}
		}(s)
	}

	// Sample the process's resident memory while the streams run.
	stopSampling := make(chan struct{})
	var peakRSS int64
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			if rss := residentBytes(); rss > peakRSS {
				peakRSS = rss
			}
			select {
			case <-tick.C:
			case <-stopSampling:
				return
			}
		}
	}()
	wg.Wait()
	close(stopSampling)
	<-sampled
	elapsed := time.Since(start)
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if n := failures.Load(); n > 0 {
		t.Fatalf("%d of %d streams failed", n, streams)
	}

	snap := waitFor(t, sess, "every stream's end", func(s *inspector.Snapshot) bool {
		ended := 0
		for _, l := range s.Lanes {
			if l.Info.Kind == inspector.LaneTap && len(l.Conns) == 1 && !l.Conns[0].Open() {
				ended++
			}
		}
		return ended == streams
	})
	var recorded int64
	var delays []time.Duration
	for _, l := range snap.Lanes {
		if l.Info.Kind != inspector.LaneTap {
			continue
		}
		if c := l.Conns[0]; c.Cause != inspector.CauseEOF || l.TotalEvents() != int64(perStream) || l.DroppedEvents != 0 {
			t.Errorf("lane %s: cause %q, %d events (%d dropped), want eof and %d", l.Info.URL, c.Cause, l.TotalEvents(), l.DroppedEvents, perStream)
		}
		recorded += l.TotalEvents()
		l.Scan(0, l.Len(), func(i int, m *inspector.EventMeta) bool {
			delays = append(delays, m.Delivered-m.Arrival)
			return true
		})
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	p50, p99 := percentile(delays, 50), percentile(delays, 99)
	t.Logf("%d streams × %d events in %v: %d received by clients, %d recorded (%.0f events/s)",
		streams, perStream, elapsed.Round(time.Millisecond), received.Load(), recorded, float64(recorded)/elapsed.Seconds())
	t.Logf("tap write+record per event (delivered - arrival): p50 %v p99 %v", p50, p99)
	t.Logf("resident memory (origin, tap, session and clients in one process): peak %.1f MiB, now %.1f MiB; Go heap in use %.1f MiB",
		float64(peakRSS)/(1<<20), float64(residentBytes())/(1<<20), float64(ms.HeapInuse)/(1<<20))
	if received.Load() != int64(streams*perStream) || recorded != int64(streams*perStream) {
		t.Errorf("received %d, recorded %d, want %d each", received.Load(), recorded, streams*perStream)
	}
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
