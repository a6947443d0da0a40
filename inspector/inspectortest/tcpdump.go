package inspectortest

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Tcpdump is a real tcpdump capturing loopback traffic into a file.
type Tcpdump struct {
	// Path is the capture file.
	Path string

	cmd    *exec.Cmd
	stderr strings.Builder
	mu     sync.Mutex
	done   chan struct{}
	err    error // how tcpdump exited, once done is closed
	once   sync.Once
}

// StartTcpdump captures the loopback traffic matching filter (a pcap
// filter such as "tcp port 8080") into a file until Stop or the end of the
// test. It returns once tcpdump reports that it is listening. Capturing
// needs root or CAP_NET_RAW: without them the test is skipped, or fails
// in CI.
func StartTcpdump(t testing.TB, filter string) *Tcpdump {
	t.Helper()
	program := Require(t, "tcpdump", "tcpdump")
	d := &Tcpdump{Path: filepath.Join(t.TempDir(), "capture.pcap"), done: make(chan struct{})}
	// --immediate-mode hands each packet over as it comes (not in blocks
	// of up to a second), -U writes it at once, and -Z root keeps tcpdump
	// from dropping to a user that cannot write the test's directory.
	args := []string{"-i", "lo", "-n", "--immediate-mode", "-U", "-Z", "root", "-w", d.Path}
	d.cmd = exec.Command(program, append(args, strings.Fields(filter)...)...)
	stderr, err := d.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.cmd.Start(); err != nil {
		t.Fatalf("run tcpdump: %v", err)
	}
	listening := make(chan struct{})
	go d.watch(stderr, listening)
	t.Cleanup(func() { _ = d.Stop() })
	select {
	case <-listening:
		return d
	case <-d.done:
	case <-time.After(10 * time.Second):
	}
	_ = d.Stop()
	msg := d.output()
	if strings.Contains(msg, "ermission") || strings.Contains(msg, "not permitted") {
		Missing(t, "tcpdump cannot capture here (root or CAP_NET_RAW needed): %s", msg)
		return nil
	}
	t.Fatalf("tcpdump did not start listening: %s", msg)
	return nil
}

// watch copies tcpdump's messages and signals when it listens.
func (d *Tcpdump) watch(stderr io.Reader, listening chan<- struct{}) {
	sc := bufio.NewScanner(stderr)
	signalled := false
	for sc.Scan() {
		d.mu.Lock()
		d.stderr.WriteString(sc.Text() + "\n")
		d.mu.Unlock()
		if !signalled && strings.Contains(sc.Text(), "listening on") {
			signalled = true
			close(listening)
		}
	}
	d.err = d.cmd.Wait()
	close(d.done)
}

func (d *Tcpdump) output() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stderr.String()
}

// Stop ends the capture (tcpdump writes its last packets on SIGINT) and
// waits for tcpdump to exit. It returns an error if tcpdump failed.
func (d *Tcpdump) Stop() error {
	d.once.Do(func() {
		_ = d.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-d.done:
		case <-time.After(10 * time.Second):
			_ = d.cmd.Process.Kill()
			<-d.done
		}
	})
	if fi, err := os.Stat(d.Path); err != nil || fi.Size() == 0 {
		return fmt.Errorf("tcpdump wrote no capture (%v; tcpdump: %v): %s", err, d.err, d.output())
	}
	return nil
}

// WaitQuiet waits until the capture file has stopped growing for a quarter
// of a second, so that the packets of traffic that has ended are in it:
// tcpdump gives no signal when it has written a packet. It fails the test
// after 10 s.
func (d *Tcpdump) WaitQuiet(t testing.TB) {
	t.Helper()
	const quiet = 250 * time.Millisecond
	deadline := time.Now().Add(10 * time.Second)
	last, since := int64(-1), time.Now()
	for time.Now().Before(deadline) {
		fi, err := os.Stat(d.Path)
		if err != nil {
			t.Fatalf("capture file: %v", err)
		}
		if fi.Size() != last {
			last, since = fi.Size(), time.Now()
		} else if time.Since(since) >= quiet {
			return
		}
		time.Sleep(20 * time.Millisecond) // polling a file: tcpdump offers no signal
	}
	t.Fatalf("the capture file kept growing for 10 s")
}
