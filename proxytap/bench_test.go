package proxytap

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// The benchmarks compare three paths to one origin in the same run:
// direct, through the tap (the shipped binary, recording into its
// session), and through nginx configured for streaming (proxy_buffering
// off, proxy_http_version 1.1), every party a process of its own. Run
// them with make bench-tap, or:
//
//	go test -run '^$' -bench Tap -benchtime 1x -timeout 30m ./proxytap
//
// Targets: the tap adds no more per-event latency than nginx (ratio ≤ 1
// at p50), matches nginx's throughput at saturation (ratio ≥ 1), and
// holds an idle tapped connection in ≤ 64 KiB.
//
// SSEI_BENCH_TAP=path measures that build as the tap instead of building
// this tree; SSEI_BENCH_BASELINE=path[,path…] adds other builds (an
// earlier commit, say) as further paths, "baseline", "baseline2"…,
// measured in the same rounds; SSEI_BENCH_ROUNDS sets the rounds (5).
//
// How busy the cores are changes the latency more than the proxy does:
// with only its stream and a direct one, nginx adds 80-90 µs on the
// project's 2-core machine; with every path's stream taking turns (three
// to six streams) it adds 25-45 µs. So the benchmark reports both, each
// proxy alone beside the direct path (tap/nginx-added-p50) and every path
// at once (the "-shared" metrics), and the two need not agree.

// stampedOrigin emits events {"seq":N,"sent":unix-ns,"pad":"…"} with id N:
// ?rate= events per second (0: as fast as the connection takes them),
// ?count= events (0: until the client leaves), ?size= pad bytes. With
// ?slot=i&slots=n (and a rate) the events go out on a grid shared by every
// stream of the clock: one period apart, at i/n of a period past each
// multiple of the period, so that n streams requested together take turns
// and never send at the same moment.
func stampedOrigin(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	rate, _ := strconv.Atoi(q.Get("rate"))
	count, _ := strconv.Atoi(q.Get("count"))
	size, _ := strconv.Atoi(q.Get("size"))
	slot, _ := strconv.Atoi(q.Get("slot"))
	slots, _ := strconv.Atoi(q.Get("slots"))
	pad := strings.Repeat("x", size)
	sseHeaders(w)
	rc := http.NewResponseController(w)
	rc.Flush()
	next := eventClock(rate, slot, slots)
	buf := make([]byte, 0, 128+size)
	for i := 1; count == 0 || i <= count; i++ {
		if next != nil && !next(r.Context()) {
			return
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

// eventClock returns a function that waits for the next event's moment
// (false if ctx ends first), or nil for "as fast as possible" (rate 0).
// Without slots the moments follow a ticker started now; with slots they
// are on the shared grid stampedOrigin describes.
func eventClock(rate, slot, slots int) func(ctx context.Context) bool {
	if rate <= 0 {
		return nil
	}
	period := time.Second / time.Duration(rate)
	if slots <= 0 {
		t := time.NewTicker(period)
		return func(ctx context.Context) bool {
			select {
			case <-t.C:
				return true
			case <-ctx.Done():
				t.Stop()
				return false
			}
		}
	}
	offset := period * time.Duration(slot%slots) / time.Duration(slots)
	// Two periods ahead, so that streams requested within a period of
	// each other start on the same grid line.
	at := time.Now().Truncate(period).Add(2*period + offset)
	timer := time.NewTimer(time.Until(at))
	return func(ctx context.Context) bool {
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return false
		}
		at = at.Add(period)
		for time.Until(at) <= 0 { // fell behind: skip to the next grid line
			at = at.Add(period)
		}
		timer.Reset(time.Until(at))
		return true
	}
}

// benchPaths starts the origin, the tap and (if installed) nginx, each in
// a process of its own, and returns the base URL of each path in the
// order direct, tap, nginx.
func benchPaths(b *testing.B) (names, bases []string) {
	origin := startBenchOrigin(b)
	tapBase := startTapBinary(b, buildTapBinary(b), origin)
	names, bases = []string{"direct", "tap"}, []string{origin, tapBase}
	if list := os.Getenv("SSEI_BENCH_BASELINE"); list != "" {
		for i, bin := range strings.Split(list, ",") {
			name := "baseline"
			if i > 0 {
				name += strconv.Itoa(i + 1)
			}
			names, bases = append(names, name), append(bases, startTapBinary(b, bin, origin))
		}
	}
	if _, err := os.Stat(inspectortest.NginxPath); err == nil {
		nginx := inspectortest.StartNginx(b, inspectortest.NginxConfig{Upstream: origin,
			Location: "proxy_buffering off; proxy_http_version 1.1; proxy_set_header Connection '';"})
		names, bases = append(names, "nginx"), append(bases, nginx.URL)
	} else {
		b.Log("nginx not installed: comparing direct and tap only")
	}
	return names, bases
}

// BenchmarkTap measures, in one run, per-event latency at 200 events/s
// and events per second at saturation on each path, each path read by a
// client process of its own.
//
// Latency is measured twice a round. First one proxy at a time, each
// beside the direct path: the proxy's stream and a direct stream are read
// at once, taking turns (each sends in its own half of the 5 ms period,
// so no two events are in flight together); the proxy's added latency is
// its p50 minus the direct stream's in that same phase, which takes the
// machine's drift out, and no other proxy's work lands on its events.
// Then every path at once, the direct stream in the first slot of the
// period and the proxies in the following ones: the added latency is
// again over that phase's direct p50 (the "-shared" metrics). Both use
// the round's turnOrder. Throughput is measured one path after another.
// It reports medians over the rounds: p50/p99 in µs, each proxy's added
// p50, the ratio of the tap's to nginx's with its lowest and highest
// single-round value, and the ratio of saturated throughputs.
func BenchmarkTap(b *testing.B) {
	const rate, seconds, window = 200, 3, 3
	rounds := 5
	if r, err := strconv.Atoi(os.Getenv("SSEI_BENCH_ROUNDS")); err == nil && r > 0 {
		rounds = r
	}
	names, bases := benchPaths(b)
	p50, p99, eps := map[string][]float64{}, map[string][]float64{}, map[string][]float64{}
	added, shared := map[string][]float64{}, map[string][]float64{}
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		for round := range rounds {
			line := fmt.Sprintf("round %d added p50 µs:", round+1)
			order := turnOrder(len(names)-1, round)
			for _, i := range order {
				urls := make([]string, 2)
				for j, base := range []string{bases[0], bases[i]} {
					urls[j] = fmt.Sprintf("%s/stamped?rate=%d&count=%d&size=64&slot=%d&slots=2", base, rate, rate*seconds, (j+round)%2)
				}
				outs := benchClients(b, "latency", urls, rate*seconds)
				d, p := atof(b, outs[0][0])/1e3, atof(b, outs[1][0])/1e3
				p50["direct"] = append(p50["direct"], d)
				p99["direct"] = append(p99["direct"], atof(b, outs[0][1])/1e3)
				p50[names[i]] = append(p50[names[i]], p)
				p99[names[i]] = append(p99[names[i]], atof(b, outs[1][1])/1e3)
				added[names[i]] = append(added[names[i]], p-d)
				line += fmt.Sprintf(" %s %.1f (%.1f - direct %.1f)", names[i], p-d, p, d)
			}
			b.Log(line)
			// All paths at once, taking turns in the period.
			line = fmt.Sprintf("round %d all at once, p50 µs:", round+1)
			// The direct stream first, then the proxies in this round's
			// order, one slot each.
			slots := make([]int, len(names))
			for k, i := range order {
				slots[i] = k + 1
			}
			urls := make([]string, len(names))
			for i := range names {
				urls[i] = fmt.Sprintf("%s/stamped?rate=%d&count=%d&size=64&slot=%d&slots=%d", bases[i], rate, rate*seconds, slots[i], len(names))
			}
			outs := benchClients(b, "latency", urls, rate*seconds)
			d := atof(b, outs[0][0]) / 1e3
			for i, name := range names[1:] {
				p := atof(b, outs[i+1][0]) / 1e3
				shared[name] = append(shared[name], p-d)
				line += fmt.Sprintf(" %s %.1f", name, p)
			}
			b.Log(line + fmt.Sprintf(" direct %.1f", d))
			for i, name := range names {
				out := benchClient(b, "throughput", bases[i]+"/stamped?size=64", window)
				eps[name] = append(eps[name], atof(b, out[0]))
			}
		}
	}
	b.StopTimer()
	reportBench(b, names, p50, p99, eps)
	reportRatios(b, names, added, "")
	reportRatios(b, names, shared, "-shared")
}

// turnOrder is the order of the n proxies (paths 1…n) in round r: turned
// by r/2, and reversed in odd rounds. Each phase of the measurement alone,
// and each slot of the measurement at once, is measured worse or better
// depending on what came just before it (a proxy's stream right after the
// direct one measured up to 0.4 worse than the others, and a proxy's phase
// alone up to 0.3 better or worse depending on the phase before). Turning
// the order alone keeps each proxy behind the same other one; reversing it
// every other round changes that too.
func turnOrder(n, r int) []int {
	order := make([]int, n)
	for k := range order {
		order[k] = 1 + (k+r/2)%n
	}
	if r%2 == 1 {
		slices.Reverse(order)
	}
	return order
}

func reportBench(b *testing.B, names []string, p50, p99, eps map[string][]float64) {
	for _, name := range names {
		b.ReportMetric(median(p50[name]), name+"-p50-µs")
		b.ReportMetric(median(p99[name]), name+"-p99-µs")
		b.ReportMetric(median(eps[name]), name+"-events/s")
	}
	if r := median(eps["nginx"]); r > 0 {
		b.ReportMetric(median(eps["tap"])/r, "tap/nginx-throughput")
	}
}

// reportRatios reports each proxy's median added p50, and its ratio to
// nginx's, with the suffix naming the measurement.
func reportRatios(b *testing.B, names []string, added map[string][]float64, suffix string) {
	for _, name := range names[1:] {
		b.ReportMetric(median(added[name]), name+"-added-p50-µs"+suffix)
	}
	nginxAdded := median(added["nginx"])
	if nginxAdded <= 0 {
		return
	}
	for _, name := range names[1:] {
		if name != "nginx" {
			b.ReportMetric(median(added[name])/nginxAdded, name+"/nginx-added-p50"+suffix)
		}
	}
	if lo, hi, ok := roundRange(added); ok {
		b.ReportMetric(lo, "tap/nginx-added-p50"+suffix+"-lowest-round")
		b.ReportMetric(hi, "tap/nginx-added-p50"+suffix+"-highest-round")
	}
}

// roundRange is the lowest and highest ratio of the tap's added p50 to
// nginx's within one round, over the rounds where nginx added anything.
func roundRange(added map[string][]float64) (lo, hi float64, ok bool) {
	for r := range added["nginx"] {
		if added["nginx"][r] <= 0 || r >= len(added["tap"]) {
			continue
		}
		ratio := added["tap"][r] / added["nginx"][r]
		if !ok || ratio < lo {
			lo = ratio
		}
		if !ok || ratio > hi {
			hi = ratio
		}
		ok = true
	}
	return lo, hi, ok
}

func atof(b *testing.B, s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		b.Fatalf("client printed %q: %v", s, err)
	}
	return f
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
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

func TestTurnOrderVariesNeighbours(t *testing.T) {
	for n := 1; n <= 5; n++ {
		first := map[int]bool{}          // proxies that came right after the direct stream
		before := map[int]map[int]bool{} // proxy -> the proxies that came just before it
		for r := range 2 * n {
			order := turnOrder(n, r)
			seen := map[int]bool{}
			for k, p := range order {
				if p < 1 || p > n || seen[p] {
					t.Fatalf("n=%d round %d: order %v is not a permutation of 1…%d", n, r, order, n)
				}
				seen[p] = true
				if k == 0 {
					first[p] = true
					continue
				}
				if before[p] == nil {
					before[p] = map[int]bool{}
				}
				before[p][order[k-1]] = true
			}
		}
		if len(first) != n {
			t.Errorf("n=%d: only %d of the proxies ever come right after the direct stream", n, len(first))
		}
		for p := 1; p <= n && n > 2; p++ {
			if len(before[p]) < 2 {
				t.Errorf("n=%d: proxy %d always follows the same proxy: %v", n, p, before[p])
			}
		}
	}
}
