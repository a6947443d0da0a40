package cli

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

func TestProbeServesMetricsUntilInterrupted(t *testing.T) {
	origin := (&it.Origin{Rate: 50, Size: 200}).Start(t)
	cmd := exec.Command(binary, "probe", "--listen", "127.0.0.1:0", "--evaluate", "100ms", "--window", "1s",
		"--name", "local", "--reference", origin.URL, origin.URL)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	first, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the probe's first line: %v (stderr: %s)", err, stderr.String())
	}
	metricsURL := regexp.MustCompile(`http://127\.0\.0\.1:\d+/metrics`).FindString(first)
	if metricsURL == "" || !strings.Contains(first, "local") {
		t.Fatalf("no metrics URL or probe name in %q", first)
	}

	// The process offers no signal for "measured": poll its endpoint as
	// Prometheus would.
	want := regexp.MustCompile(`(?m)^sseinspector_event_delay_seconds_count\{probe="local",source="reference"\} [1-9]`)
	deadline := time.Now().Add(guard)
	var body string
	for !want.MatchString(body) {
		if time.Now().After(deadline) {
			t.Fatalf("no reference delays in /metrics:\n%s", body)
		}
		time.Sleep(100 * time.Millisecond)
		resp, err := http.Get(metricsURL)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		body = string(b)
	}
	for _, series := range []string{`sseinspector_events_total{probe="local"}`, `sseinspector_bytes_total{probe="local"}`,
		`sseinspector_time_to_first_event_seconds_count{probe="local"} 1`, "process_resident_memory_bytes"} {
		if !strings.Contains(body, series) {
			t.Errorf("/metrics lacks %s", series)
		}
	}

	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("after SIGINT: %v, want exit 0; stderr:\n%s", err, stderr.String())
	}
}

func TestProbeUsage(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("probes:\n  - name: a\n    url: ftp://x/\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"probe"}, "want --config FILE or one URL"},
		{[]string{"probe", "--config", bad, "http://127.0.0.1:1/"}, "give no URL"},
		{[]string{"probe", "--config", bad}, "the scheme must be http or https"},
		{[]string{"probe", "--config", filepath.Join(dir, "missing.yaml")}, "no such file"},
		{[]string{"probe", "--evaluate", "1m", "--window", "10s", "http://127.0.0.1:1/"}, "longer than window"},
	} {
		r := runCLI(t, tc.args...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: want exit 2 and %q, got %v", tc.args, tc.want, r)
		}
	}
}
