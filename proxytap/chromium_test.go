package proxytap

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/inspectortest"
	"golang.org/x/net/websocket"
)

// chromiumBinary is the Debian package's Chromium.
const chromiumBinary = "/usr/bin/chromium"

// browser is a headless Chromium started by a test, driven through the
// DevTools protocol over one websocket to its page.
type browser struct {
	ws     *websocket.Conn
	nextID int
}

var devtoolsURL = regexp.MustCompile(`DevTools listening on (ws://127\.0\.0\.1:(\d+)/\S+)`)

// chromiumHeadless are the flags every test run adds: no display, no
// sandbox (tests may run as root), nothing fetched in the background, and
// the DevTools endpoint the test drives the page through.
var chromiumHeadless = []string{
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
	"--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
	"--remote-allow-origins=http://127.0.0.1",
}

// requireChromium skips the test if Chromium is not installed (fails it
// in CI).
func requireChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumBinary); err != nil {
		inspectortest.Missing(t, "chromium is not installed at %s (Debian package chromium; make test installs it)", chromiumBinary)
	}
}

// startChromium opens pageURL in a fresh headless Chromium with the given
// extra flags, on a throw-away profile; it skips the test if Chromium is
// not installed, and stops the browser when the test ends.
func startChromium(t *testing.T, pageURL string, flags ...string) *browser {
	t.Helper()
	requireChromium(t)
	args := append(append([]string{"--user-data-dir=" + scratchDir(t)}, chromiumHeadless...), flags...)
	return launchChromium(t, exec.Command(chromiumBinary, append(args, pageURL)...))
}

// scratchDir makes a directory for Chromium's profile, removed only once
// every Chromium process is gone: its helpers keep writing there for a
// moment after the browser exits.
func scratchDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "sseinspector-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for i := 0; ; i++ {
			err := os.RemoveAll(dir)
			if err == nil || i == 50 {
				if err != nil {
					t.Logf("profile %s not removed: %v", dir, err)
				}
				return
			}
			time.Sleep(100 * time.Millisecond) // helpers still exiting: no signal to wait on
		}
	})
	return dir
}

// launchChromium starts cmd, a Chromium (or a shell that execs one) with
// the chromiumHeadless flags, in a process group of its own, and connects
// to its page. The browser and its helpers are ended when the test ends.
func launchChromium(t *testing.T, cmd *exec.Cmd) *browser {
	t.Helper()
	// Its own process group, so the helpers it forks can be ended with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		// SIGTERM makes Chromium shut its helpers down and exit; whatever
		// remains of the group it leads after that is killed.
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
		}
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	})
	return connectPage(t, devToolsPort(t, stderr, exited))
}

// devToolsPort waits for the line Chromium prints on stderr when its
// DevTools endpoint is ready, and returns the port.
func devToolsPort(t *testing.T, stderr io.Reader, exited <-chan struct{}) string {
	t.Helper()
	found := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := devtoolsURL.FindStringSubmatch(sc.Text()); m != nil {
				found <- m
				break
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	select {
	case m := <-found:
		return m[2]
	case <-exited:
		t.Fatal("chromium exited before announcing DevTools")
	case <-time.After(30 * time.Second):
		t.Fatal("chromium did not announce DevTools within 30 s")
	}
	return ""
}

// connectPage opens the DevTools websocket of the browser's page.
func connectPage(t *testing.T, port string) *browser {
	t.Helper()
	resp, err := http.Get("http://127.0.0.1:" + port + "/json/list")
	if err != nil {
		t.Fatal(err)
	}
	var targets []struct{ Type, URL, WebSocketDebuggerURL string }
	err = json.NewDecoder(resp.Body).Decode(&targets)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range targets {
		if tg.Type == "page" {
			ws, err := websocket.Dial(tg.WebSocketDebuggerURL, "", "http://127.0.0.1")
			if err != nil {
				t.Fatalf("DevTools websocket: %v", err)
			}
			t.Cleanup(func() { ws.Close() })
			return &browser{ws: ws}
		}
	}
	t.Fatalf("no page target among %+v", targets)
	return nil
}

// evaluate runs a JavaScript expression in the page, awaiting a promise,
// and returns its value as a string.
func (b *browser) evaluate(expr string, timeout time.Duration) (string, error) {
	b.nextID++
	id := b.nextID
	req := map[string]any{"id": id, "method": "Runtime.evaluate", "params": map[string]any{
		"expression": expr, "awaitPromise": true, "returnByValue": true}}
	if err := websocket.JSON.Send(b.ws, req); err != nil {
		return "", err
	}
	b.ws.SetReadDeadline(time.Now().Add(timeout))
	for {
		var msg struct {
			ID     int `json:"id"`
			Result struct {
				Result           struct{ Value any }
				ExceptionDetails *struct{ Text string }
			}
			Error *struct{ Message string }
		}
		if err := websocket.JSON.Receive(b.ws, &msg); err != nil {
			return "", err
		}
		if msg.ID != id {
			continue // an event or a late answer
		}
		switch {
		case msg.Error != nil:
			return "", fmt.Errorf("Runtime.evaluate: %s", msg.Error.Message)
		case msg.Result.ExceptionDetails != nil:
			return "", fmt.Errorf("Runtime.evaluate: %s", msg.Result.ExceptionDetails.Text)
		}
		return fmt.Sprint(msg.Result.Result.Value), nil
	}
}

// waitTitleAtLeast waits until the page's title is a number ≥ n (the
// origin page counts received events in its title) and returns it. The
// page may still be navigating at first, when its context is replaced, so
// a failed evaluation is retried until the deadline.
func (b *browser) waitTitleAtLeast(t *testing.T, n int, within time.Duration) string {
	t.Helper()
	expr := fmt.Sprintf(`new Promise((resolve) => {
		const deadline = Date.now() + %d;
		const check = () => {
			if (Number(document.title) >= %d || Date.now() > deadline) resolve(document.title);
			else setTimeout(check, 50);
		};
		check();
	})`, within.Milliseconds(), n)
	deadline := time.Now().Add(within)
	var lastErr error
	for time.Now().Before(deadline) {
		title, err := b.evaluate(expr, within+5*time.Second)
		if err == nil {
			var got int
			if _, scanErr := fmt.Sscan(title, &got); scanErr == nil && got >= n {
				return title
			}
			lastErr = fmt.Errorf("title %q", title)
			if time.Now().After(deadline) {
				break
			}
			continue
		}
		lastErr = err
		time.Sleep(100 * time.Millisecond) // the page is between documents: nothing to wait on yet
	}
	t.Fatalf("page title never reached %d: %v", n, lastErr)
	return ""
}
