package cli

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime/debug"
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

// TestRecordingCommandsCollectSooner checks the collector's target each
// command line runs with: the commands that record get
// recordingGCPercent, the others keep the default, and GOGC wins.
func TestRecordingCommandsCollectSooner(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, c := range []struct {
		args []string
		gogc string
		want int
	}{
		{[]string{"watch", "http://127.0.0.1:1/"}, "", recordingGCPercent},
		{[]string{"compare", "http://127.0.0.1:1/", "http://127.0.0.1:2/"}, "", recordingGCPercent},
		{[]string{"diagnose", "s.ssei"}, "", 100},
		{[]string{"watch", "http://127.0.0.1:1/"}, "200", 100},
		{nil, "", 100},
	} {
		debug.SetGCPercent(100)
		setGCTarget(c.args, c.gogc)
		if got := debug.SetGCPercent(100); got != c.want {
			t.Errorf("%q with GOGC=%q: collector target %d, want %d", c.args, c.gogc, got, c.want)
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
