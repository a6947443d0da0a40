package cli

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// streamServer serves the i-th request with bodies[i] (the last one for
// later requests) as an event stream; a body ending in "…" keeps the
// response open until the client leaves, otherwise the response ends.
func streamServer(t *testing.T, bodies ...string) *httptest.Server {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := bodies[min(int(n.Add(1))-1, len(bodies)-1)]
		w.Header().Set("Content-Type", "text/event-stream")
		keepOpen := strings.HasSuffix(body, "…")
		io.WriteString(w, strings.TrimSuffix(body, "…"))
		w.(http.Flusher).Flush()
		if keepOpen {
			<-r.Context().Done()
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// twoConnections is a stream that ends after two events and a comment,
// then, on the reconnection, sends one more and stays open.
func twoConnections(t *testing.T) *httptest.Server {
	return streamServer(t,
		"id: 1\ndata: hello\n\n: ping\n\nid: 2\ndata: world\n\n",
		"data: again\n\n…")
}

var humanLine = regexp.MustCompile(`^ *\d+\.\d ms  #(\d+)  (\S+) +(.*)$`)

func TestWatchHumanOutput(t *testing.T) {
	srv := twoConnections(t)
	r := runCLI(t, "watch", "--retry", "10ms", "--max-events", "3", srv.URL)
	if r.code != ExitOK {
		t.Fatalf("%v", r)
	}
	want := []struct{ what, detail string }{
		{"open", "200 HTTP/1.1 conn 0 " + srv.URL},
		{"message", `id="1" 19 B "hello"`},
		{"comment", `" ping"`},
		{"message", `id="2" 19 B "world"`},
		{"close", "eof conn 0; reconnecting in 10ms"},
		{"open", "200 HTTP/1.1 conn 1 " + srv.URL},
		{"message", `id="2" 13 B "again"`},
		{"close", "cancelled conn 1"},
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), r.stdout)
	}
	for i, line := range lines {
		m := humanLine.FindStringSubmatch(line)
		if m == nil || m[1] != "1" || m[2] != want[i].what || m[3] != want[i].detail {
			t.Errorf("line %d = %q, want lane 1, %s, %s", i, line, want[i].what, want[i].detail)
		}
	}
}

// jsonLine holds every field any NDJSON line may carry.
type jsonLine struct {
	Kind        string `json:"kind"`
	T           string `json:"t"`
	Lane        *int   `json:"lane"`
	Conn        *int   `json:"conn"`
	Type        string `json:"type"`
	Data        string `json:"data"`
	ID          *string
	Seq         *int64 `json:"seq"`
	Size        int64  `json:"size"`
	Text        string `json:"text"`
	Status      int    `json:"status"`
	URL         string `json:"url"`
	Reason      string `json:"reason"`
	Error       string `json:"error"`
	ReconnectIn *int64 `json:"reconnectIn"`
}

// parseNDJSON checks that every line is a JSON object with kind, t and
// lane, and returns them.
func parseNDJSON(t *testing.T, out string, from, to time.Time) []jsonLine {
	t.Helper()
	var lines []jsonLine
	for i, raw := range strings.Split(strings.TrimSpace(out), "\n") {
		var l jsonLine
		if err := json.Unmarshal([]byte(raw), &l); err != nil {
			t.Fatalf("line %d %q: %v", i, raw, err)
		}
		at, err := time.Parse(time.RFC3339Nano, l.T)
		if l.Kind == "" || l.Lane == nil || err != nil {
			t.Fatalf("line %d %q lacks kind, lane or an RFC 3339 t (%v)", i, raw, err)
		}
		// The wall clock has no monotonic reading; allow a little slack.
		if at.Before(from.Add(-time.Second)) || at.After(to.Add(time.Second)) {
			t.Errorf("line %d: t %s outside the run (%s to %s)", i, at, from, to)
		}
		lines = append(lines, l)
	}
	return lines
}

func TestWatchJSON(t *testing.T) {
	srv := twoConnections(t)
	from := time.Now()
	r := runCLI(t, "watch", "--json", "--retry", "10ms", "--max-events", "3", srv.URL)
	if r.code != ExitOK {
		t.Fatalf("%v", r)
	}
	lines := parseNDJSON(t, r.stdout, from, time.Now())
	var kinds []string
	var events []jsonLine
	for _, l := range lines {
		kinds = append(kinds, l.Kind)
		if *l.Lane != 1 {
			t.Errorf("lane %d, want 1", *l.Lane)
		}
		switch l.Kind {
		case "event":
			if l.Type != "message" || l.ID == nil || l.Seq == nil || l.Size == 0 || l.Conn == nil {
				t.Errorf("event line lacks type, id, seq, size or conn: %+v", l)
			}
			events = append(events, l)
		case "open":
			if l.Status != 200 || l.URL != srv.URL || l.Conn == nil {
				t.Errorf("open line = %+v", l)
			}
		case "comment":
			if l.Text != " ping" {
				t.Errorf("comment text %q", l.Text)
			}
		}
	}
	if got := strings.Join(kinds, " "); got != "open event comment event close open event close" {
		t.Fatalf("kinds = %s", got)
	}
	wantEvents := []struct {
		data, id string
		seq      int64
	}{{"hello", "1", 0}, {"world", "2", 1}, {"again", "2", 2}}
	for i, w := range wantEvents {
		e := events[i]
		if e.Data != w.data || *e.ID != w.id || *e.Seq != w.seq {
			t.Errorf("event %d = data %q id %q seq %d, want %+v", i, e.Data, *e.ID, *e.Seq, w)
		}
	}
	firstClose := lines[4]
	if firstClose.Reason != "eof" || firstClose.ReconnectIn == nil || *firstClose.ReconnectIn != 10 {
		t.Errorf("first close = %+v, want eof with reconnectIn 10", firstClose)
	}
	if last := lines[len(lines)-1]; last.Reason != "cancelled" || last.ReconnectIn != nil {
		t.Errorf("last close = %+v, want cancelled without reconnectIn", last)
	}
}

func TestWatchFailingStreamExits1(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "broken", http.StatusInternalServerError)
	}))
	t.Cleanup(srv.Close)
	from := time.Now()
	r := runCLI(t, "watch", "--json", "--retry", "1ms", srv.URL)
	if r.code != ExitFailure || !strings.Contains(r.stderr, "HTTP status 500") {
		t.Fatalf("want exit 1 with the cause on stderr: %v", r)
	}
	lines := parseNDJSON(t, r.stdout, from, time.Now())
	if len(lines) != 2 || lines[0].Kind != "close" || lines[1].Kind != "error" {
		t.Fatalf("want a close and an error line: %v", r)
	}
	for _, l := range lines {
		if l.Reason != "http-status" || !strings.Contains(l.Error, "500") {
			t.Errorf("%s line = %+v, want reason http-status and the status", l.Kind, l)
		}
	}
}

func TestWatchOneFailingStreamOfTwoExits0(t *testing.T) {
	failing := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(failing.Close)
	// The working stream ends cleanly, which --no-reconnect accepts, so
	// both subscriptions end on their own.
	working := streamServer(t, "data: 1\n\n")
	r := runCLI(t, "watch", "--no-reconnect", failing.URL, working.URL)
	if r.code != ExitOK || !strings.Contains(r.stderr, "HTTP status 404") {
		t.Errorf("want exit 0 with the failure on stderr: %v", r)
	}
}

func TestWatchNoReconnectCleanEndExits0(t *testing.T) {
	srv := streamServer(t, "data: only\n\n")
	r := runCLI(t, "watch", "--no-reconnect", srv.URL)
	if r.code != ExitOK || !strings.Contains(r.stdout, `"only"`) || !strings.Contains(r.stdout, "eof conn 0") {
		t.Errorf("%v", r)
	}
}

func TestWatchBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"watch", "--bogus", "http://127.0.0.1:1/"},
		{"watch", "-H", "no colon", "http://127.0.0.1:1/"},
		{"watch", "--max-events", "-1", "http://127.0.0.1:1/"},
		{"watch", "--duration", "soon", "http://127.0.0.1:1/"},
		{"watch"},
		{"watch", "ftp://127.0.0.1/stream"},
		{"watch", "http://"},
		{"watch", "-X", "NOT A METHOD", "http://127.0.0.1:1/"},
	} {
		r := runCLI(t, args...)
		first, _, _ := strings.Cut(r.stderr, "\n")
		if r.code != ExitUsage || !strings.HasPrefix(first, "sseinspector watch: ") ||
			!strings.Contains(r.stderr, "Usage: sseinspector watch") || r.stdout != "" {
			t.Errorf("%q: want exit 2, a one-line error and the usage: %v", args, r)
		}
	}
}

func TestWatchSendsRequestFlags(t *testing.T) {
	got := make(chan *http.Request, 1)
	bodies := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- r
		bodies <- string(b)
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: x\n\n")
	}))
	t.Cleanup(srv.Close)
	// Flags after the URL work too.
	r := runCLI(t, "watch", "-H", "X-A: 1", srv.URL, "--header", "X-B:  2", "-X", "PUT", "--data", "payload",
		"--last-event-id", "5", "--max-events", "1")
	if r.code != ExitOK {
		t.Fatalf("%v", r)
	}
	req := <-got
	if req.Method != http.MethodPut || <-bodies != "payload" || req.Header.Get("X-A") != "1" ||
		req.Header.Get("X-B") != "2" || req.Header.Get("Last-Event-ID") != "5" {
		t.Errorf("request = %s %v", req.Method, req.Header)
	}
}

func TestWatchMaxEventsCountsAllLanes(t *testing.T) {
	a := streamServer(t, "data: a1\n\ndata: a2\n\n…")
	b := streamServer(t, "data: b1\n\ndata: b2\n\n…")
	from := time.Now()
	r := runCLI(t, "watch", "--json", "--max-events", "3", a.URL, b.URL)
	if r.code != ExitOK {
		t.Fatalf("%v", r)
	}
	events := 0
	for _, l := range parseNDJSON(t, r.stdout, from, time.Now()) {
		if l.Kind == "event" {
			events++
		}
	}
	if events != 3 {
		t.Errorf("%d events printed, want 3:\n%s", events, r.stdout)
	}
}

func TestWatchDuration(t *testing.T) {
	srv := streamServer(t, "…")
	r := runCLI(t, "watch", "--duration", "100ms", srv.URL)
	if r.code != ExitOK || !strings.Contains(r.stdout, "cancelled conn 0") {
		t.Errorf("%v", r)
	}
}

func TestWatchWritesSession(t *testing.T) {
	srv := streamServer(t, "id: 1\ndata: saved\n\n: kept\n\nid: 2\ndata: too\n\n…")
	path := filepath.Join(t.TempDir(), "watch.ssei")
	r := runCLI(t, "watch", "-o", path, "--max-events", "2", srv.URL)
	if r.code != ExitOK {
		t.Fatalf("%v", r)
	}
	sess, err := inspector.LoadSession(path, inspector.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	snap := sess.Snapshot()
	if len(snap.Lanes) != 1 {
		t.Fatalf("%d lanes saved, want 1", len(snap.Lanes))
	}
	lane := snap.Lanes[0]
	evs := lane.Events()
	if lane.Info.URL != srv.URL || len(evs) != 2 || evs[0].Data != "saved" || evs[1].ID != "2" {
		t.Errorf("saved lane %+v with events %+v", lane.Info, evs)
	}
	if len(lane.Conns) != 1 || lane.Conns[0].Cause != inspector.CauseCancelled {
		t.Errorf("saved conns %+v", lane.Conns)
	}
}

func TestWatchBadOutputPathExits1(t *testing.T) {
	srv := streamServer(t, "data: x\n\n…")
	path := filepath.Join(t.TempDir(), "no-such-dir", "watch.ssei")
	r := runCLI(t, "watch", "-o", path, "--max-events", "1", srv.URL)
	if r.code != ExitFailure || !strings.Contains(r.stderr, "no-such-dir") {
		t.Errorf("%v", r)
	}
}

func TestWatchInterruptExits0(t *testing.T) {
	srv := streamServer(t, "data: first\n\n…")
	cmd := exec.Command(binary, "watch", srv.URL)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	timeout := time.After(guard)
	for seen := false; !seen; {
		select {
		case line := <-lines:
			seen = strings.Contains(line, `"first"`)
		case <-timeout:
			t.Fatal("no event printed")
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	var rest []string
	for line := range lines {
		rest = append(rest, line)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("after SIGINT: %v, want exit 0", err)
	}
	if len(rest) != 1 || !strings.Contains(rest[0], "cancelled conn 0") {
		t.Errorf("after SIGINT printed %q, want the cancelled close", rest)
	}
}
