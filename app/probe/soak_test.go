package probe

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// soakEnv sets how long TestProbeSoakRSS runs ("10m"); unset, it is skipped.
const soakEnv = "SSEI_SOAK"

// TestProbeSoakRSS runs the command-line probe binary for a long while
// against a fast stream (with a reference), a stream that reconnects after
// every event and an unflushed one, samples its resident memory, and
// checks that it levels off: the last quarter of the run may not exceed
// the second quarter's peak by more than a quarter. Run it with
// "make probe-soak" (SOAK=1h for longer); the RSS table goes to the log.
func TestProbeSoakRSS(t *testing.T) {
	d, err := time.ParseDuration(os.Getenv(soakEnv))
	if err != nil {
		t.Skipf("set %s to a duration (make probe-soak) to run the memory soak", soakEnv)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "sseinspector-cli")
	build := exec.Command("go", "build", "-o", bin, "github.com/sseinspector/sseinspector")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	fast := (&it.Origin{Rate: 400, Size: 1000}).Start(t)
	flappy := httptest.NewServer(&endingOrigin{})
	t.Cleanup(flappy.Close)
	unflushed := (&it.Origin{Rate: 50, Size: 300, NoFlush: true}).Start(t)
	cfg := fmt.Sprintf(`window: 30s
evaluate: 5s
probes:
  - {name: fast, url: %q, reference: %q}
  - {name: flappy, url: %q}
  - {name: unflushed, url: %q, reference: %q}
`, fast.URL, fast.URL, flappy.URL, unflushed.URL, unflushed.URL)
	cfgPath := filepath.Join(dir, "probes.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "probe", "--config", cfgPath, "--listen", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	first, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("the probe did not start: %v", err)
	}
	metricsURL := regexp.MustCompile(`http://127\.0\.0\.1:\d+/metrics`).FindString(first)
	if metricsURL == "" {
		t.Fatalf("no metrics URL in %q", first)
	}

	const samples = 20
	rss := make([]int64, 0, samples)
	start := time.Now()
	t.Logf("%10s %10s %14s %11s %14s", "elapsed", "RSS MiB", "Go heap MiB", "goroutines", "events")
	for i := 1; i <= samples; i++ {
		time.Sleep(d / samples) // sampling a process over time: the wait is the measurement
		kb, err := residentKB(cmd.Process.Pid)
		if err != nil {
			t.Fatalf("read RSS: %v", err)
		}
		rss = append(rss, kb)
		m := runtimeFigures(t, metricsURL)
		t.Logf("%10s %10.1f %14.1f %11.0f %14.0f", time.Since(start).Round(time.Second), float64(kb)/1024,
			m["go_memstats_heap_inuse_bytes"]/(1<<20), m["go_goroutines"], m["sseinspector_events_total"])
	}
	peak := func(s []int64) (m int64) {
		for _, v := range s {
			m = max(m, v)
		}
		return m
	}
	second, last := peak(rss[samples/4:samples/2]), peak(rss[3*samples/4:])
	if last > second+second/4 {
		t.Errorf("RSS still growing: peak %d KiB in the second quarter, %d KiB in the last", second, last)
	}
}

// runtimeFigures scrapes the probe's heap in use, goroutines and events
// (summed over the probes).
func runtimeFigures(t *testing.T, metricsURL string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(metricsURL)
	if err != nil {
		t.Fatalf("scrape: %v", err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	out := map[string]float64{}
	for _, name := range []string{"go_memstats_heap_inuse_bytes", "go_goroutines", "sseinspector_events_total"} {
		if f := fams[name]; f != nil {
			for _, m := range f.Metric {
				out[name] += m.GetGauge().GetValue() + m.GetCounter().GetValue()
			}
		}
	}
	return out
}

// residentKB reads a process's resident set size from /proc.
func residentKB(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}
