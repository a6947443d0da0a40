package cli

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// TestDiagnoseBigSessionRSS writes a session file of SSEI_BIG_MB
// megabytes (1024 by default: one lane of 1 KiB events) and runs
// `diagnose` on it, checking that the process's peak RSS stays within the
// bound that loading under the default limits gives whatever the file's
// size: the lane's memory cap (256 MiB) with the garbage collector's
// headroom (up to twice the live heap), the analysis and the program's
// own, 2.5 × 256 MiB + 64 MiB. It writes a large file and takes a
// while, so it runs only with SSEI_BIG=1 (make big-session).
func TestDiagnoseBigSessionRSS(t *testing.T) {
	if os.Getenv("SSEI_BIG") == "" {
		t.Skip("set SSEI_BIG=1 (make big-session) to diagnose a 1 GB session file")
	}
	mb := 1024
	if n, err := strconv.Atoi(os.Getenv("SSEI_BIG_MB")); err == nil && n > 0 {
		mb = n
	}
	path := filepath.Join(t.TempDir(), "big.ssei")
	size := writeBigSession(t, path, int64(mb)<<20)
	cmd := exec.Command(binary, "diagnose", path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var peak int64
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			t.Logf("diagnose of a %.0f MB session: %v, peak RSS %.0f MB (exit %v)",
				float64(size)/(1<<20), time.Since(start).Round(time.Millisecond), float64(peak)/(1<<20), err)
			if code := cmd.ProcessState.ExitCode(); code != ExitOK && code != ExitFindings || stderr.Len() > 0 {
				t.Fatalf("diagnose exited %d:\n%s", code, stderr.String())
			}
			if limit := int64(5*inspector.DefaultMaxLaneBytes/2 + 64<<20); peak > limit {
				t.Errorf("peak RSS %.0f MB, want ≤ %d MB", float64(peak)/(1<<20), limit>>20)
			}
			return
		case <-tick.C:
			if hwm := vmHWM(cmd.Process.Pid); hwm > peak {
				peak = hwm
			}
		}
	}
}

// writeBigSession writes a valid session file of about size bytes: one
// lane, one connection, 1 KiB events each in its own read.
func writeBigSession(t *testing.T, path string, size int64) int64 {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintf(w, `{"format":"sseinspector-session","version":1,"start":"2026-01-01T00:00:00Z","saved":"2026-01-01T01:00:00Z"}`+"\n")
	fmt.Fprintf(w, `{"rec":"lane","id":1,"name":"big","kind":"subscription","url":"http://127.0.0.1:1/","state":"closed"}`+"\n")
	fmt.Fprintf(w, `{"rec":"conn","lane":1,"conn":0,"start":0,"method":"GET","url":"http://127.0.0.1:1/","status":200,"proto":"HTTP/1.1","wireBytes":0,"bytes":0,"reads":0,"events":0}`+"\n")
	pad := strings.Repeat("x", 1000)
	block := "data: " + pad + "\n\n"
	var written int64
	var n int64
	for ; written < size; n++ {
		at := (n + 1) * int64(time.Millisecond)
		k, _ := fmt.Fprintf(w, `{"rec":"read","lane":1,"i":%d,"conn":0,"t":%d,"wire":%d,"n":%d}`+"\n", n, at, len(block), len(block))
		written += int64(k)
		k, _ = fmt.Fprintf(w, `{"rec":"event","lane":1,"seq":%d,"conn":0,"t":%d,"offset":%d,"size":%d,"firstRead":%d,"lastRead":%d,"id":"","raw":%q,"type":"message","data":%q}`+"\n",
			n, at, n*int64(len(block)), len(block), n, n, block, pad)
		written += int64(k)
	}
	fmt.Fprintf(w, `{"rec":"end","lanes":1,"events":%d}`+"\n", n)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return written
}
