package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// watchedBuffer is an output stream a test can wait on.
type watchedBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func newWatchedBuffer() *watchedBuffer { return &watchedBuffer{changed: make(chan struct{}, 1)} }

func (b *watchedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case b.changed <- struct{}{}:
	default:
	}
	return b.buf.Write(p)
}

func (b *watchedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitMatch waits for the output to match re and returns the submatches.
func (b *watchedBuffer) waitMatch(t *testing.T, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		if m := re.FindStringSubmatch(b.String()); m != nil {
			return m
		}
		select {
		case <-b.changed:
		case <-deadline:
			t.Fatalf("output never matched %s:\n%s", re, b.String())
		}
	}
}

func TestTapCommandRecordsPrintsAndSaves(t *testing.T) {
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, ": hi\nretry: 2000\nid: 5\nevent: greet\ndata: hello\n\ndata: two\n\n")
	}))
	defer origin.Close()
	out := filepath.Join(t.TempDir(), "tap.ssei")
	stdout, stderr := newWatchedBuffer(), newWatchedBuffer()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	code := make(chan int, 1)
	go func() {
		code <- Run(ctx, &Env{Stdout: stdout, Stderr: stderr},
			[]string{"tap", "--listen", "127.0.0.1:0", "--upstream", origin.URL, "--json", "-o", out})
	}()
	addr := stderr.waitMatch(t, regexp.MustCompile(`tap: http://(\S+) -> `))[1]

	req, _ := http.NewRequest("GET", "http://"+addr+"/events", nil)
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer hush")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.ReadAll(resp.Body)
	resp.Body.Close()
	stdout.waitMatch(t, regexp.MustCompile(`"kind":"close"`))
	cancel()
	if c := <-code; c != ExitOK {
		t.Fatalf("exit %d; stderr:\n%s", c, stderr.String())
	}

	var kinds []string
	sc := bufio.NewScanner(strings.NewReader(stdout.String()))
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("not a JSON line: %q", sc.Text())
		}
		if _, err := time.Parse(time.RFC3339Nano, fmt.Sprint(rec["t"])); err != nil || rec["lane"] == nil {
			t.Errorf("record without an RFC 3339 time or a lane: %v", rec)
		}
		kinds = append(kinds, fmt.Sprint(rec["kind"]))
		if rec["kind"] == "event" && rec["seq"] == 0.0 {
			if rec["type"] != "greet" || rec["data"] != "hello" || rec["id"] != "5" || rec["size"] == nil || rec["delivered"] == nil {
				t.Errorf("first event record %v", rec)
			}
		}
	}
	if got := strings.Join(kinds, ","); got != "open,comment,retry,event,event,close" {
		t.Errorf("record kinds %s, want open,comment,retry,event,event,close", got)
	}

	sess, err := inspector.LoadSession(out, inspector.LoadOptions{})
	if err != nil {
		t.Fatalf("saved session: %v", err)
	}
	snap := sess.Snapshot()
	if len(snap.Lanes) != 1 || snap.Lanes[0].Info.Kind != inspector.LaneTap || snap.Lanes[0].Len() != 2 {
		t.Fatalf("saved session has %d lanes, want one tap lane with 2 events", len(snap.Lanes))
	}
	if auth := snap.Lanes[0].Conns[0].RequestHeader.Get("Authorization"); strings.Contains(auth, "hush") {
		t.Errorf("saved session kept the secret: %q", auth)
	}
}

func TestTapCommandRefusesRemoteListenWithoutConsent(t *testing.T) {
	var stderr bytes.Buffer
	code := Run(context.Background(), &Env{Stdout: io.Discard, Stderr: &stderr},
		[]string{"tap", "--listen", "0.0.0.0:0", "--upstream", "http://127.0.0.1:1"})
	if code != ExitUsage || !strings.Contains(stderr.String(), "--allow-remote") {
		t.Errorf("exit %d, stderr %q; want a usage error naming --allow-remote", code, stderr.String())
	}
}

func TestCACommandPrintsPEMAndTrustSteps(t *testing.T) {
	var stdout bytes.Buffer
	dir := t.TempDir()
	if code := Run(context.Background(), &Env{Stdout: &stdout, Stderr: io.Discard}, []string{"ca", "--ca-dir", dir}); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{filepath.Join(dir, "ca.pem"), "-----BEGIN CERTIFICATE-----", "--ignore-certificate-errors-spki-list=", "certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n sseinspector -i"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("ca output lacks %q:\n%s", want, stdout.String())
		}
	}
}
