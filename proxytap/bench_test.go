package proxytap

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// The benchmarks compare three paths to one origin in the same run:
// direct, through the tap (recording into a session), and through nginx
// configured for streaming (proxy_buffering off, proxy_http_version 1.1).
// Run them with make bench-tap, or:
//
//	go test -run '^$' -bench Tap -benchtime 1x -timeout 30m ./proxytap
//
// Targets: the tap adds no more per-event latency than nginx (ratio ≤ 1
// at p50), keeps at least half of nginx's throughput, and holds an idle
// tapped connection in ≤ 64 KiB.

// stampedOrigin emits events {"seq":N,"sent":unix-ns,"pad":"…"} with id N:
// ?rate= events per second (0: as fast as the connection takes them),
// ?count= events (0: until the client leaves), ?size= pad bytes.
func stampedOrigin(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	rate, _ := strconv.Atoi(q.Get("rate"))
	count, _ := strconv.Atoi(q.Get("count"))
	size, _ := strconv.Atoi(q.Get("size"))
	pad := strings.Repeat("x", size)
	sseHeaders(w)
	rc := http.NewResponseController(w)
	rc.Flush()
	var tick <-chan time.Time
	if rate > 0 {
		t := time.NewTicker(time.Second / time.Duration(rate))
		defer t.Stop()
		tick = t.C
	}
	buf := make([]byte, 0, 128+size)
	for i := 1; count == 0 || i <= count; i++ {
		if tick != nil {
			select {
			case <-tick:
			case <-r.Context().Done():
				return
			}
		} else if r.Context().Err() != nil {
			return
		}
		buf = fmt.Appendf(buf[:0], "id: %d\ndata: {\"seq\":%d,\"sent\":%d,\"pad\":\"%s\"}\n\n", i, i, time.Now().UnixNano(), pad)
		if _, err := w.Write(buf); err != nil {
			return
		}
		if rc.Flush() != nil {
			return
		}
	}
}

// benchPaths starts the origin, the tap and (if installed) nginx, and
// returns the base URL of each path in the order direct, tap, nginx.
func benchPaths(b *testing.B) (names, bases []string) {
	origin := newOrigin(b, stampedOrigin)
	_, _, tapBase := startTap(b, Config{Upstream: origin.URL})
	names, bases = []string{"direct", "tap"}, []string{origin.URL, tapBase}
	if _, err := os.Stat(inspectortest.NginxPath); err == nil {
		nginx := inspectortest.StartNginx(b, inspectortest.NginxConfig{Upstream: origin.URL,
			Location: "proxy_buffering off; proxy_http_version 1.1; proxy_set_header Connection '';"})
		names, bases = append(names, "nginx"), append(bases, nginx.URL)
	} else {
		b.Log("nginx not installed: comparing direct and tap only")
	}
	return names, bases
}

// readStamped reads one stamped stream, calling fn with each event's
// latency (receipt minus the origin's send time), until fn returns false
// or the stream ends.
func readStamped(b *testing.B, ctx context.Context, url string, fn func(latency time.Duration) bool) {
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := rawClient().Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReaderSize(resp.Body, 64<<10)
	marker := []byte(`"sent":`)
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return
		}
		i := bytes.Index(line, marker)
		if i < 0 {
			continue
		}
		rest := line[i+len(marker):]
		j := bytes.IndexByte(rest, ',')
		sent, perr := strconv.ParseInt(string(rest[:j]), 10, 64)
		if perr != nil {
			b.Fatalf("bad stamp in %q", line)
		}
		if !fn(time.Duration(time.Now().UnixNano() - sent)) {
			return
		}
	}
}

// BenchmarkTapLatency measures per-event latency at 200 events/s on each
// path and reports p50/p99 in µs, the latency each proxy adds over the
// direct path, and the ratio of the tap's added p50 to nginx's.
func BenchmarkTapLatency(b *testing.B) {
	const rate, seconds = 200, 5
	names, bases := benchPaths(b)
	p50 := map[string]time.Duration{}
	p99 := map[string]time.Duration{}
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		for i, name := range names {
			lat := make([]time.Duration, 0, rate*seconds)
			url := fmt.Sprintf("%s/stamped?rate=%d&count=%d&size=64", bases[i], rate, rate*seconds)
			readStamped(b, context.Background(), url, func(d time.Duration) bool {
				lat = append(lat, d)
				return true
			})
			if len(lat) != rate*seconds {
				b.Fatalf("%s: %d events, want %d", name, len(lat), rate*seconds)
			}
			p50[name], p99[name] = percentile(lat, 50), percentile(lat, 99)
		}
	}
	b.StopTimer()
	us := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
	for _, name := range names {
		b.ReportMetric(us(p50[name]), name+"-p50-µs")
		b.ReportMetric(us(p99[name]), name+"-p99-µs")
		if name != "direct" {
			b.ReportMetric(us(p50[name]-p50["direct"]), name+"-added-p50-µs")
		}
	}
	if _, ok := p50["nginx"]; ok {
		tapAdded, nginxAdded := p50["tap"]-p50["direct"], p50["nginx"]-p50["direct"]
		if nginxAdded > 0 {
			b.ReportMetric(float64(tapAdded)/float64(nginxAdded), "tap/nginx-added-p50")
		}
	}
}

// BenchmarkTapThroughput measures events per second at saturation: the
// origin writes (and flushes) events as fast as each path takes them.
func BenchmarkTapThroughput(b *testing.B) {
	const window = 3 * time.Second
	names, bases := benchPaths(b)
	rates := map[string]float64{}
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		for i, name := range names {
			ctx, cancel := context.WithCancel(context.Background())
			var events int
			start := time.Now()
			readStamped(b, ctx, bases[i]+"/stamped?size=64", func(time.Duration) bool {
				events++
				return time.Since(start) < window
			})
			rates[name] = float64(events) / time.Since(start).Seconds()
			cancel()
		}
	}
	b.StopTimer()
	for _, name := range names {
		b.ReportMetric(rates[name], name+"-events/s")
	}
	if r, ok := rates["nginx"]; ok && r > 0 {
		b.ReportMetric(rates["tap"]/r, "tap/nginx-throughput")
	}
}

// BenchmarkTapIdleConnMemory measures what one idle tapped stream costs
// the process: N streams are opened and left idle, directly and then
// through the tap; the difference of the two memory growths (heap and
// goroutine stacks, after GC) divided by N is the tap's share, lane
// included. Target ≤ 64 KiB.
func BenchmarkTapIdleConnMemory(b *testing.B) {
	const conns = 500
	var handlers sync.WaitGroup
	origin := newOrigin(b, func(w http.ResponseWriter, r *http.Request) {
		handlers.Add(1)
		defer handlers.Done()
		sseHeaders(w)
		http.NewResponseController(w).Flush()
		<-r.Context().Done()
	})
	_, _, tapBase := startTap(b, Config{Upstream: origin.URL})
	growth := func(base string) int64 {
		runtime.GC()
		before := inUse()
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, DisableCompression: true}}
		var open []*http.Response
		for i := 0; i < conns; i++ {
			resp := getStream(b, client, fmt.Sprintf("%s/idle/%d", base, i))
			open = append(open, resp)
		}
		runtime.GC()
		after := inUse()
		for _, r := range open {
			r.Body.Close()
		}
		client.CloseIdleConnections()
		handlers.Wait() // every origin handler saw its client leave
		return after - before
	}
	var direct, tapped int64
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		direct = growth(origin.URL)
		tapped = growth(tapBase)
	}
	b.StopTimer()
	perConn := float64(tapped-direct) / conns
	b.ReportMetric(perConn, "tap-bytes/idle-conn")
	b.ReportMetric(float64(direct)/conns, "direct-bytes/idle-conn")
	if perConn > 64<<10 {
		b.Errorf("an idle tapped connection costs %.0f bytes, target ≤ 64 KiB", perConn)
	}
}

// inUse is the heap and stack memory in use.
func inUse() int64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapInuse + ms.StackInuse)
}
