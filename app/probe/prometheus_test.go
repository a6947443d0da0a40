package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// TestPrometheusScrapesAProbeBehindNginx runs the real Prometheus server
// scraping a probe that watches a stream through an nginx with its default
// buffering, with the origin as the reference, and asks Prometheus's HTTP
// API for the delay histogram, the finding gauge and the README's alert.
func TestPrometheusScrapesAProbeBehindNginx(t *testing.T) {
	promBin := it.Require(t, "prometheus", "prometheus")
	origin := (&it.Origin{Rate: 40, Size: 200}).Start(t)
	ngx := it.StartNginx(t, it.NginxConfig{Upstream: origin.URL})

	p := startProbe(t, Config{Window: time.Minute, Evaluate: 500 * time.Millisecond,
		Probes: []Target{{Name: "nginx", URL: ngx.URL + "/events", Reference: origin.URL + "/events"}}})
	metricsSrv := httptest.NewServer(p.Handler())
	t.Cleanup(metricsSrv.Close)

	prom := startPrometheus(t, promBin, strings.TrimPrefix(metricsSrv.URL, "http://"))

	// Prometheus scrapes once a second; poll its API until the series
	// show what nginx does to the stream.
	checks := []struct {
		what, query string
		ok          func(v float64) bool
	}{
		{"reference delays observed", `sum(sseinspector_event_delay_seconds_count{probe="nginx",source="reference"})`,
			func(v float64) bool { return v >= 20 }},
		{"stamp delays observed", `sum(sseinspector_event_delay_seconds_count{probe="nginx",source="stamp"})`,
			func(v float64) bool { return v >= 20 }},
		// 4 KiB pages of 200-byte events at 40 events/s: a page every half
		// second, so the median event waits well over 50 ms (a lower bound:
		// a loaded machine only adds to it).
		{"median delay of a buffered stream", `histogram_quantile(0.5, sum by (le) (sseinspector_event_delay_seconds_bucket{probe="nginx",source="reference"}))`,
			func(v float64) bool { return v > 0.05 }},
		{"nginx-buffering finding", `sseinspector_finding{probe="nginx",id="nginx-buffering",severity="warning"}`,
			func(v float64) bool { return v == 1 }},
		{"README alert pending", `ALERTS{alertname="SSEStreamFinding",probe="nginx",id="nginx-buffering"}`,
			func(v float64) bool { return v == 1 }},
	}
	deadline := time.Now().Add(60 * time.Second)
	for _, c := range checks {
		for {
			v, err := prom.query(c.query)
			if err == nil && c.ok(v) {
				t.Logf("%s: %s = %g", c.what, c.query, v)
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: %s = %g, %v\nprobe metrics:\n%s", c.what, c.query, v, err, scrapeText(metricsSrv.URL))
			}
			time.Sleep(250 * time.Millisecond) // Prometheus offers nothing to wait on but its API
		}
	}
	checkDashboard(t, prom, p.metricNames())
}

// checkDashboard runs every query of the Grafana dashboard in assets/
// against the live Prometheus, with its variables filled in: each must
// parse, name only series the probe exports, and return data.
func checkDashboard(t *testing.T, prom *promServer, exported map[string]bool) {
	t.Helper()
	b, err := os.ReadFile("../../assets/grafana-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("dashboard JSON: %v", err)
	}
	metricName := regexp.MustCompile(`sseinspector_[a-z_]+`)
	var queries []string
	for _, p := range dash.Panels {
		for _, target := range p.Targets {
			for _, name := range metricName.FindAllString(target.Expr, -1) {
				if !exported[strings.TrimSuffix(name, "_bucket")] {
					t.Errorf("panel %q: %s is not exported by the probe", p.Title, name)
				}
			}
			queries = append(queries, strings.NewReplacer(`$probe`, "nginx", "$__rate_interval", "30s").Replace(target.Expr))
		}
	}
	if len(queries) < 8 {
		t.Fatalf("the dashboard has %d queries, want its delay, disconnect and finding panels", len(queries))
	}
	// Rates need two scrapes in their range. Disconnect and reconnect
	// series stay empty on this steady stream; every other query answers.
	deadline := time.Now().Add(guard)
	for {
		var empty []string
		for _, q := range queries {
			r, err := prom.samples(q)
			if err != nil {
				t.Fatalf("dashboard query: %v", err)
			}
			if len(r.Data.Result) == 0 {
				empty = append(empty, q)
			}
		}
		if len(empty) <= 2 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("dashboard queries without data:\n%s", strings.Join(empty, "\n"))
		}
		time.Sleep(500 * time.Millisecond) // the next scrape; Prometheus offers nothing to wait on
	}
}

// promServer is a running Prometheus server.
type promServer struct{ url string }

// startPrometheus runs Prometheus on a free loopback port with a generated
// configuration scraping target every second, with the README's alerting
// rules, until the test ends.
func startPrometheus(t *testing.T, bin, target string) *promServer {
	t.Helper()
	dir := t.TempDir()
	rules, err := filepath.Abs("testdata/alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [%q]
scrape_configs:
  - job_name: sseinspector
    static_configs:
      - targets: [%q]
`, rules, target)
	cfgPath := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeLoopbackAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "--config.file="+cfgPath, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--log.level=warn")
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start prometheus: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cancel()
		<-exited
		if t.Failed() {
			t.Logf("prometheus log:\n%s", logs.String())
		}
	})
	p := &promServer{url: "http://" + addr}
	deadline := time.Now().Add(guard)
	for {
		resp, err := http.Get(p.url + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case <-exited:
			t.Fatalf("prometheus exited at start:\n%s", logs.String())
		case <-time.After(100 * time.Millisecond): // nothing to wait on but the ready endpoint
		}
		if time.Now().After(deadline) {
			t.Fatalf("prometheus not ready after %v:\n%s", guard, logs.String())
		}
	}
}

// promResult is an instant query's answer.
type promResult struct {
	Status string `json:"status"`
	Error  string `json:"error"`
	Data   struct {
		ResultType string `json:"resultType"`
		Result     []struct {
			Value [2]any `json:"value"`
		} `json:"result"`
	} `json:"data"`
}

// samples runs an instant query and returns its answer; a query that
// does not parse or run is an error.
func (p *promServer) samples(q string) (*promResult, error) {
	resp, err := http.Get(p.url + "/api/v1/query?query=" + url.QueryEscape(q))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var body promResult
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("query %s: %w", q, err)
	}
	if body.Status != "success" {
		return nil, fmt.Errorf("query %s: %s", q, body.Error)
	}
	return &body, nil
}

// query runs an instant query and returns its single value.
func (p *promServer) query(q string) (float64, error) {
	body, err := p.samples(q)
	if err != nil {
		return 0, err
	}
	if body.Data.ResultType != "vector" || len(body.Data.Result) != 1 {
		return 0, fmt.Errorf("query %s: want one sample, got %d", q, len(body.Data.Result))
	}
	s, ok := body.Data.Result[0].Value[1].(string)
	if !ok {
		return 0, fmt.Errorf("query %s: value %v", q, body.Data.Result[0].Value)
	}
	return strconv.ParseFloat(s, 64)
}

func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// scrapeText fetches the probe's metrics for a failure message.
func scrapeText(base string) string {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return err.Error()
	}
	return string(b)
}
