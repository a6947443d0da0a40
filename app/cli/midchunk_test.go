package cli

import (
	"bufio"
	"context"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// midchunkServer is a raw server whose first network write carries a
// complete event and the start of the next chunk; the rest comes only
// when the test calls Next.
func midchunkServer(t *testing.T) *inspectortest.WireScript {
	one, two := inspectortest.Chunk("data: one-0\n\n"), inspectortest.Chunk("data: two-0\n\n")
	return inspectortest.StartWireScript(t, inspectortest.SSEHead, one+two[:6], two[6:]+"0\r\n\r\n")
}

func TestWatchShowsAnEventBeforeTheNextChunkCompletes(t *testing.T) {
	srv := midchunkServer(t)
	stdout, stderr := newWatchedBuffer(), newWatchedBuffer()
	code := make(chan int, 1)
	go func() {
		code <- Run(t.Context(), &Env{Stdout: stdout, Stderr: stderr}, []string{"watch", "--no-reconnect", srv.URL})
	}()
	srv.Next()
	stdout.waitMatch(t, regexp.MustCompile(`one-0`))
	if strings.Contains(stdout.String(), "two-0") {
		t.Fatal("two-0 shown before the server sent it")
	}
	srv.Next()
	stdout.waitMatch(t, regexp.MustCompile(`two-0`))
	<-code
}

func TestTapForwardsAnEventBeforeTheNextChunkCompletes(t *testing.T) {
	for _, save := range []bool{false, true} {
		name := "without -o"
		if save {
			name = "with -o"
		}
		t.Run(name, func(t *testing.T) { tapMidchunk(t, save) })
	}
}

func tapMidchunk(t *testing.T, save bool) {
	srv := midchunkServer(t)
	out := filepath.Join(t.TempDir(), "tap.ssei")
	args := []string{"tap", "--listen", "127.0.0.1:0", "--upstream", strings.TrimSuffix(srv.URL, "/")}
	if save {
		args = append(args, "-o", out)
	}
	stdout, stderr := newWatchedBuffer(), newWatchedBuffer()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	code := make(chan int, 1)
	go func() { code <- Run(ctx, &Env{Stdout: stdout, Stderr: stderr}, args) }()
	addr := stderr.waitMatch(t, regexp.MustCompile(`tap: http://(\S+) -> `))[1]

	req, _ := http.NewRequestWithContext(t.Context(), "GET", "http://"+addr+"/", nil)
	req.Header.Set("Accept", "text/event-stream")
	lines := make(chan string, 8)
	go func() {
		defer close(lines)
		// Read as a browser does: each read returns what arrived.
		resp, err := (&http.Client{Transport: &inspector.StreamTransport{}}).Do(req)
		if err != nil {
			return
		}
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if sc.Text() != "" {
				lines <- sc.Text()
			}
		}
	}()
	srv.Next()
	if got := nextLine(t, lines); got != "data: one-0" {
		t.Fatalf("browser got %q, want data: one-0 before the next chunk completes", got)
	}
	srv.Next()
	if got := nextLine(t, lines); got != "data: two-0" {
		t.Fatalf("browser got %q second", got)
	}
	stdout.waitMatch(t, regexp.MustCompile(`two-0`))
	cancel()
	if c := <-code; c != ExitOK {
		t.Fatalf("exit %d; stderr:\n%s", c, stderr.String())
	}
	if !save {
		return
	}
	sess, err := inspector.LoadSession(out, inspector.LoadOptions{})
	if err != nil {
		t.Fatalf("saved session: %v", err)
	}
	if l := sess.Snapshot().Lanes[0]; l.Len() != 2 || string(l.Event(0).Data) != "one-0" {
		t.Errorf("saved lane has %d events, want one-0 and two-0", l.Len())
	}
}

// nextLine returns the next line the browser received, failing the test
// when none comes.
func nextLine(t *testing.T, lines <-chan string) string {
	t.Helper()
	select {
	case l, ok := <-lines:
		if !ok {
			t.Fatal("the stream through the tap ended early")
		}
		return l
	case <-time.After(guard):
		t.Fatal("nothing reached the browser before the server wrote again")
		return ""
	}
}
