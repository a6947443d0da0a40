package cli

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

func TestOriginServesUntilInterrupted(t *testing.T) {
	cmd := exec.Command(binary, "origin", "--listen", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	first, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the origin's first line: %v", err)
	}
	url := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`).FindString(first)
	if url == "" {
		t.Fatalf("no URL in %q", first)
	}

	ctx, cancel := context.WithTimeout(t.Context(), guard)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"event", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	body := bufio.NewScanner(resp.Body)
	for body.Scan() && body.Text() != "data: 1" {
	}
	if body.Text() != "data: 1" {
		t.Fatalf("no first event: %v", body.Err())
	}

	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("after SIGINT: %v, want exit 0", err)
	}
}

func TestOriginBadArguments(t *testing.T) {
	if r := runCLI(t, "origin", "extra"); r.code != ExitUsage || !strings.Contains(r.stderr, "Usage: sseinspector origin") {
		t.Errorf("extra argument: %v", r)
	}
	if r := runCLI(t, "origin", "--listen", "127.0.0.1:not-a-port"); r.code != ExitFailure || !strings.Contains(r.stderr, "not-a-port") {
		t.Errorf("bad listen address: %v", r)
	}
}

func TestOriginExposureWarning(t *testing.T) {
	for _, tc := range []struct {
		ip   string
		warn bool
	}{{"127.0.0.1", false}, {"::1", false}, {"0.0.0.0", true}, {"::", true}, {"192.0.2.7", true}} {
		got := exposureWarning(&net.TCPAddr{IP: net.ParseIP(tc.ip), Port: 9001})
		if (got != "") != tc.warn {
			t.Errorf("%s: warning %q", tc.ip, got)
		}
	}
	if got := originURL(&net.TCPAddr{IP: net.IPv4zero, Port: 9001}); got != "http://127.0.0.1:9001/" {
		t.Errorf("originURL(0.0.0.0) = %s", got)
	}
}
