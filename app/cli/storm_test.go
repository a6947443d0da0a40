package cli

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestWatchReconnectStormRSS runs `watch` for SSEI_STORM_SECONDS (60 by
// default) against a server that answers every request with retry: 0 and
// one event and ends the response, so the watcher reconnects as fast as it
// can, and checks that the process's peak RSS stays under 150 MB. It is
// long, so it runs only with SSEI_STORM=1 (make storm).
func TestWatchReconnectStormRSS(t *testing.T) {
	if os.Getenv("SSEI_STORM") == "" {
		t.Skip("set SSEI_STORM=1 (make storm) to run the 60 s reconnect storm")
	}
	seconds := 60
	if s, err := strconv.Atoi(os.Getenv("SSEI_STORM_SECONDS")); err == nil && s > 0 {
		seconds = s
	}
	var conns atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conns.Add(1)
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "retry: 0\nid: 1\ndata: storm\n\n")
	}))
	defer srv.Close()
	cmd := exec.Command(binary, "watch", "--duration", strconv.Itoa(seconds)+"s", srv.URL)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var peak int64
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			t.Logf("%d connections in %d s (%.0f/s); peak RSS %.1f MB", conns.Load(), seconds,
				float64(conns.Load())/float64(seconds), float64(peak)/(1<<20))
			if err != nil {
				t.Fatalf("watch: %v", err)
			}
			if peak > 150<<20 {
				t.Errorf("peak RSS %.1f MB, want < 150 MB", float64(peak)/(1<<20))
			}
			return
		case <-tick.C:
			if hwm := vmHWM(cmd.Process.Pid); hwm > peak {
				peak = hwm
			}
		}
	}
}

// vmHWM is the process's peak resident set size in bytes, from /proc.
func vmHWM(pid int) int64 {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
