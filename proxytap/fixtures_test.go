package proxytap

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// Fixture builders shared by the tests and benchmarks of this package.

// startTap runs a tap on a free loopback port, recording into a fresh
// session unless cfg names a recorder, with its CA (forward mode) in a
// temporary directory. It returns the tap, the session and the tap's
// base URL.
func startTap(t testing.TB, cfg Config) (*Tap, *inspector.Session, string) {
	t.Helper()
	sess, _ := cfg.Recorder.(*inspector.Session)
	if cfg.Recorder == nil {
		sess = inspector.NewSession(inspector.Limits{})
		cfg.Recorder = sess
	}
	if cfg.Upstream == "" && cfg.CADir == "" {
		cfg.CADir = t.TempDir()
	}
	tap, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	addr, err := tap.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { tap.Close() })
	return tap, sess, "http://" + addr.String()
}

// waitFor waits, on the session's change signal, until cond holds for a
// snapshot, and returns that snapshot.
func waitFor(t testing.TB, sess *inspector.Session, what string, cond func(*inspector.Snapshot) bool) *inspector.Snapshot {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		snap := sess.Snapshot()
		if cond(snap) {
			return snap
		}
		select {
		case <-sess.Changed():
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// laneOfKind returns the single lane of the given kind, or nil.
func laneOfKind(snap *inspector.Snapshot, kind inspector.LaneKind) *inspector.LaneSnapshot {
	var found *inspector.LaneSnapshot
	for _, l := range snap.Lanes {
		if l.Info.Kind == kind {
			if found != nil {
				return nil
			}
			found = l
		}
	}
	return found
}

// connEnded reports whether the lane of the given kind has n connections,
// all ended.
func connsEnded(kind inspector.LaneKind, n int) func(*inspector.Snapshot) bool {
	return func(snap *inspector.Snapshot) bool {
		l := laneOfKind(snap, kind)
		if l == nil || len(l.Conns) != n {
			return false
		}
		for _, c := range l.Conns {
			if c.Open() {
				return false
			}
		}
		return true
	}
}

// flusher writes and flushes each piece as its own write.
func writePieces(w http.ResponseWriter, pieces ...string) {
	rc := http.NewResponseController(w)
	for _, p := range pieces {
		io.WriteString(w, p)
		rc.Flush()
	}
}

// sseHeaders sets what an event-stream handler sends.
func sseHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
}

// newOrigin starts an httptest origin with the handler.
func newOrigin(t testing.TB, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// rawClient is an HTTP client that neither pools connections nor decodes
// gzip, so what it returns is the bytes on the wire after de-chunking.
func rawClient() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableCompression: true, DisableKeepAlives: true, Proxy: nil}}
}

// getStream requests url as an EventSource would, with extra headers.
func getStream(t testing.TB, c *http.Client, url string, header ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Cache-Control", "no-cache")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp
}

// hijackRaw lets a handler write a raw HTTP response and then end the
// connection its own way: reset (RST via SO_LINGER 0) or a plain close.
func hijackRaw(w http.ResponseWriter, raw string, reset bool) {
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	brw.WriteString(raw)
	brw.Flush()
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		tc.SetLinger(0)
	}
	conn.Close()
}

// chunk encodes s as one HTTP/1.1 chunk.
func chunk(s string) string { return fmt.Sprintf("%x\r\n%s\r\n", len(s), s) }

// mapHostsDialer dials every host name in hosts on 127.0.0.1 (keeping the
// port), the way a test's DNS would; other addresses are refused.
func mapHostsDialer(hosts ...string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		for _, h := range hosts {
			if strings.EqualFold(h, host) {
				return d.DialContext(ctx, network, net.JoinHostPort("127.0.0.1", port))
			}
		}
		if host == "127.0.0.1" {
			return d.DialContext(ctx, network, addr)
		}
		return nil, fmt.Errorf("test dialer: %s is not a test host", host)
	}
}

// readLines reads an event stream line by line until n "data:" lines
// were seen, returning them.
func readDataLines(t testing.TB, r io.Reader, n int) []string {
	t.Helper()
	var out []string
	sc := bufio.NewScanner(r)
	for len(out) < n && sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "data:"); ok {
			out = append(out, strings.TrimSpace(v))
		}
	}
	if len(out) < n {
		t.Fatalf("stream ended after %d data lines (%v): %v", len(out), out, sc.Err())
	}
	return out
}

// newTLSOrigin starts an HTTPS origin whose certificate, for host, comes
// from a CA of its own (not the tap's); it returns the server and a pool
// trusting that CA.
func newTLSOrigin(t testing.TB, host string, h http.HandlerFunc) (*httptest.Server, *x509.CertPool) {
	t.Helper()
	ca, err := LoadOrCreateCA(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.Leaf(host)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{*leaf}}
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(ca.Cert())
	return srv, pool
}

// proxyClient is a client that uses the tap at tapURL as its proxy and
// trusts roots for TLS.
func proxyClient(t testing.TB, tapURL string, roots *x509.CertPool) *http.Client {
	u, err := url.Parse(tapURL)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Transport: &http.Transport{
		Proxy:              http.ProxyURL(u),
		TLSClientConfig:    &tls.Config{RootCAs: roots},
		DisableCompression: true,
		DisableKeepAlives:  true,
	}}
}

// portOf is the port of a server URL.
func portOf(t testing.TB, rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Port()
}

// tlsRoots is a TLS config trusting roots.
func tlsRoots(roots *x509.CertPool) *tls.Config { return &tls.Config{RootCAs: roots} }

// pacedOrigin emits count events, one every period, each with an id and
// size bytes of data, then ends the response.
func pacedOrigin(period time.Duration, count, size int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sseHeaders(w)
		rc := http.NewResponseController(w)
		rc.Flush()
		pad := strings.Repeat("x", size)
		for i := 1; i <= count; i++ {
			fmt.Fprintf(w, "id: %d\ndata: %s\n\n", i, pad)
			rc.Flush()
			if i == count {
				return
			}
			// A period after the write, not on a ticker's schedule: a
			// late write must not bring the next one closer.
			select {
			case <-time.After(period):
			case <-r.Context().Done():
				return
			}
		}
	}
}

// percentile is the p-th percentile (nearest rank) of d.
func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}
