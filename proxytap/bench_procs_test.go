package proxytap

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// The latency and throughput benchmarks run every party in a process of
// its own, as users run them: the origin and the client are this test
// binary started again in a role, the tap is the shipped binary (built by
// the benchmark) and nginx is nginx.

const (
	benchRoleEnv = "SSEI_BENCH_ROLE" // origin, latency or throughput
	benchURLEnv  = "SSEI_BENCH_URL"  // the client's stream URL
	benchArgEnv  = "SSEI_BENCH_ARG"  // latency: events to read; throughput: seconds
)

// benchRole runs this process as the origin or a client, and returns the
// exit code.
func benchRole(role string) int {
	var err error
	switch role {
	case "origin":
		err = runBenchOrigin()
	case "latency", "throughput":
		err = runBenchClient(role, os.Getenv(benchURLEnv), os.Getenv(benchArgEnv))
	default:
		err = fmt.Errorf("unknown role %q", role)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench %s: %v\n", role, err)
		return 1
	}
	return 0
}

// runBenchOrigin serves stampedOrigin on a loopback port, prints the base
// URL, and serves until its standard input closes (its parent is gone).
func runBenchOrigin() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: http.HandlerFunc(stampedOrigin)}
	go srv.Serve(ln)
	fmt.Printf("http://%s\n", ln.Addr())
	io.Copy(io.Discard, os.Stdin)
	return srv.Close()
}

// runBenchClient reads one stamped stream and prints, for latency, the
// p50 and p99 in nanoseconds, for throughput, events per second.
func runBenchClient(mode, url, arg string) error {
	n, err := strconv.Atoi(arg)
	if err != nil {
		return fmt.Errorf("bad %s %q", benchArgEnv, arg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var lat []time.Duration
	start := time.Now()
	window := time.Duration(n) * time.Second
	err = readStampedStream(ctx, url, func(d time.Duration) bool {
		lat = append(lat, d)
		if mode == "latency" {
			return len(lat) < n
		}
		return time.Since(start) < window
	})
	if err != nil {
		return err
	}
	if mode == "latency" {
		if len(lat) != n {
			return fmt.Errorf("%d events, want %d", len(lat), n)
		}
		fmt.Println(int64(percentile(lat, 50)), int64(percentile(lat, 99)))
		return nil
	}
	fmt.Println(float64(len(lat)) / time.Since(start).Seconds())
	return nil
}

// readStampedStream reads a stamped stream with the inspector's
// transport (every read at once), calling fn with each event's latency,
// until fn returns false or the stream ends.
func readStampedStream(ctx context.Context, url string, fn func(latency time.Duration) bool) error {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := (&http.Client{Transport: &inspector.StreamTransport{}}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	br := bufio.NewReaderSize(resp.Body, 64<<10)
	marker := []byte(`"sent":`)
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return nil
		}
		i := bytes.Index(line, marker)
		if i < 0 {
			continue
		}
		rest := line[i+len(marker):]
		j := bytes.IndexByte(rest, ',')
		if j < 0 {
			return fmt.Errorf("bad stamp in %q", line)
		}
		sent, err := strconv.ParseInt(string(rest[:j]), 10, 64)
		if err != nil {
			return fmt.Errorf("bad stamp in %q", line)
		}
		if !fn(time.Duration(time.Now().UnixNano() - sent)) {
			return nil
		}
	}
}

// startBenchOrigin starts the origin process and returns its base URL.
func startBenchOrigin(b *testing.B) string {
	b.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), benchRoleEnv+"=origin")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatalf("start origin: %v", err)
	}
	b.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		b.Fatalf("origin did not report its address: %v", err)
	}
	return strings.TrimSpace(line)
}

// buildTapBinary builds the shipped binary and returns its path, or
// returns $SSEI_BENCH_TAP, a build given to measure as the tap.
func buildTapBinary(b *testing.B) string {
	b.Helper()
	if bin := os.Getenv("SSEI_BENCH_TAP"); bin != "" {
		return bin
	}
	bin := filepath.Join(b.TempDir(), "sseinspector")
	build := exec.Command("go", "build", "-o", bin, "github.com/sseinspector/sseinspector")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startTapBinary runs `bin tap` in reverse mode in front of upstream; it
// returns the tap's base URL.
func startTapBinary(b *testing.B, bin, upstream string) string {
	b.Helper()
	cmd := exec.Command(bin, "tap", "--listen", "127.0.0.1:0", "--upstream", upstream)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatalf("start tap: %v", err)
	}
	b.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	// The tap announces "tap: http://ADDR -> UPSTREAM ..." once it listens.
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "tap: "); ok {
			base, _, _ := strings.Cut(rest, " ")
			go io.Copy(io.Discard, stderr)
			return base
		}
	}
	b.Fatalf("the tap exited without announcing its address")
	return ""
}

// benchClient starts a client process on url and returns what it
// printed.
func benchClient(b *testing.B, mode, url string, arg int) []string {
	b.Helper()
	out, err := runClientProcess(mode, url, arg)
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// benchClients runs one client process per url at once and returns what
// each printed, in the order of urls.
func benchClients(b *testing.B, mode string, urls []string, arg int) [][]string {
	b.Helper()
	outs := make([][]string, len(urls))
	errs := make([]error, len(urls))
	var wg sync.WaitGroup
	for i, url := range urls {
		wg.Go(func() { outs[i], errs[i] = runClientProcess(mode, url, arg) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		b.Fatal(err)
	}
	return outs
}

func runClientProcess(mode, url string, arg int) ([]string, error) {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), benchRoleEnv+"="+mode, benchURLEnv+"="+url, benchArgEnv+"="+strconv.Itoa(arg))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s client on %s: %w", mode, url, err)
	}
	return strings.Fields(string(out)), nil
}
