package inspector

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/sse"
)

// sampleSession builds a session with two lanes covering every record kind:
// reconnects, redirects, secrets in headers, comments, retry, a truncated
// event and raw bytes that are not valid UTF-8.
func sampleSession(t *testing.T) *Session {
	t.Helper()
	s := NewSession(Limits{MaxEventSize: 40})
	a := s.AddLane(LaneInfo{Name: "direct", Kind: LaneSubscription, URL: "http://127.0.0.1:1/event", Method: "GET"})
	c := a.StartConn(0, "GET", "http://127.0.0.1:1/event", http.Header{"Authorization": {"Bearer s3cret"}, "Accept": {"text/event-stream"}}, "")
	a.AddRedirect(c, "http://127.0.0.1:1/moved")
	a.SetResponse(c, 2*time.Millisecond, 200, "HTTP/1.1", http.Header{"Content-Type": {"text/event-stream"}, "Set-Cookie": {"sid=1"}})
	rec := &ConnRecorder{Lane: a, Conn: c, Parser: &sse.Parser{MaxEventSize: 40}}
	rec.Feed(3*time.Millisecond, 0, 30, []byte("id: 7\nevent: tick\ndata: caf\xc3"))
	rec.Feed(4*time.Millisecond, 0, 30, []byte("\xa9 \xff\n\n: hb\n\nretry: 1500\n\n"))
	rec.Feed(5*time.Millisecond, 0, 80, []byte("data: "+strings.Repeat("x", 70)+"\n\n"))
	rec.End(6*time.Millisecond, CauseReset, errors.New("connection reset by peer"))
	c2 := a.StartConn(1600*time.Millisecond, "GET", "http://127.0.0.1:1/event", nil, "7")
	a.SetResponse(c2, 1601*time.Millisecond, 200, "HTTP/1.1", nil)
	rec2 := &ConnRecorder{Lane: a, Conn: c2, Parser: rec.Parser}
	rec2.Feed(1602*time.Millisecond, 0, 9, []byte("data: z\n\n"))
	a.SetState(StateOpen, "")

	b := s.AddLane(LaneInfo{Name: "tap", Kind: LaneTap, URL: "http://127.0.0.1:2/event", Client: "127.0.0.1:5555"})
	cb := b.StartConn(time.Millisecond, "GET", "http://127.0.0.1:2/event", http.Header{"Cookie": {"a=b"}}, "")
	b.SetResponse(cb, 2*time.Millisecond, 200, "HTTP/1.0", http.Header{"Content-Type": {"text/event-stream"}})
	recb := &ConnRecorder{Lane: b, Conn: cb, Parser: &sse.Parser{}}
	recb.Feed(10*time.Millisecond, 11*time.Millisecond, 18, []byte("data: 1\n\ndata: 2\n\n"))
	recb.End(20*time.Millisecond, CauseEOF, nil)
	b.SetPeerEnd(cb, CauseClientGone)
	return s
}

func saveSample(t *testing.T, opts SaveOptions) (string, *Snapshot) {
	t.Helper()
	snap := sampleSession(t).Snapshot()
	path := filepath.Join(t.TempDir(), "s.ndjson")
	if err := SaveSession(path, snap, opts); err != nil {
		t.Fatal(err)
	}
	return path, snap
}

// compareSnapshots checks that a loaded snapshot holds what was saved.
func compareSnapshots(t *testing.T, got, want *Snapshot) {
	t.Helper()
	if !got.Start.Equal(want.Start) || len(got.Lanes) != len(want.Lanes) {
		t.Fatalf("start %v lanes %d, want %v %d", got.Start, len(got.Lanes), want.Start, len(want.Lanes))
	}
	for i, wl := range want.Lanes {
		gl := got.Lanes[i]
		if !reflect.DeepEqual(gl.Info, wl.Info) || gl.State != wl.State {
			t.Errorf("lane %d info %+v/%s, want %+v/%s", i, gl.Info, gl.State, wl.Info, wl.State)
		}
		if gl.FirstConn != wl.FirstConn || gl.DroppedEvents != wl.DroppedEvents || gl.DroppedReads != wl.DroppedReads ||
			gl.DroppedNotes != wl.DroppedNotes || gl.DroppedConnDetails != wl.DroppedConnDetails || !reflect.DeepEqual(gl.DroppedConns, wl.DroppedConns) {
			t.Errorf("lane %d dropped: %d connections %+v, %d details, %d events, %d reads, %d notes; want %d %+v, %d, %d, %d, %d",
				i, gl.FirstConn, gl.DroppedConns, gl.DroppedConnDetails, gl.DroppedEvents, gl.DroppedReads, gl.DroppedNotes,
				wl.FirstConn, wl.DroppedConns, wl.DroppedConnDetails, wl.DroppedEvents, wl.DroppedReads, wl.DroppedNotes)
		}
		if !reflect.DeepEqual(gl.Conns, wl.Conns) {
			t.Errorf("lane %d conns\n got %+v\nwant %+v", i, gl.Conns, wl.Conns)
		}
		if !reflect.DeepEqual(gl.Events(), wl.Events()) {
			t.Errorf("lane %d events\n got %+v\nwant %+v", i, gl.Events(), wl.Events())
		}
		if !reflect.DeepEqual(gl.Reads(), wl.Reads()) {
			t.Errorf("lane %d reads differ", i)
		}
		if !reflect.DeepEqual(gl.Notes(), wl.Notes()) {
			t.Errorf("lane %d notes\n got %+v\nwant %+v", i, gl.Notes(), wl.Notes())
		}
	}
}

func TestSessionRoundTrip(t *testing.T) {
	path, want := saveSample(t, SaveOptions{KeepSecrets: true})
	loaded, err := LoadSession(path, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := loaded.Snapshot()
	compareSnapshots(t, got, want)
	if n := want.Lanes[0].Len(); n != 3 {
		t.Fatalf("sample lane holds %d events, want 3", n)
	}
	if ev := got.Lanes[0].Event(0); ev.Type != "tick" || ev.Data != "café \ufffd" || ev.ID != "7" {
		t.Errorf("decoded event = %+v", ev)
	}
	if ev := got.Lanes[0].Event(1); !ev.Truncated || ev.Size != 78 {
		t.Errorf("truncated event = %+v", ev)
	}
}

func TestSessionRedactsSecretsByDefault(t *testing.T) {
	path, _ := saveSample(t, SaveOptions{})
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"s3cret", "sid=1", "a=b"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("saved file contains secret %q", secret)
		}
	}
	loaded, err := LoadSession(path, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := loaded.Snapshot().Lanes[0].Conns[0]
	// The saver applies RedactHeader's policy: the scheme and cookie names stay.
	if c.RequestHeader.Get("Authorization") != "Bearer "+Redacted || c.ResponseHeader.Get("Set-Cookie") != "sid="+Redacted ||
		c.RequestHeader.Get("Accept") != "text/event-stream" {
		t.Errorf("headers after load: %v %v", c.RequestHeader, c.ResponseHeader)
	}
}

func TestLoadTruncatedSessionNamesLine(t *testing.T) {
	path, _ := saveSample(t, SaveOptions{})
	raw, _ := os.ReadFile(path)
	lines := bytes.SplitAfter(raw, []byte("\n"))
	eventLine := 0
	for i, l := range lines {
		if bytes.Contains(l, []byte(`"rec":"event"`)) {
			eventLine = i
			break
		}
	}
	cases := map[string]struct {
		data     []byte
		wantLine string
	}{
		"cut mid-line":          {raw[:len(bytes.Join(lines[:eventLine+1], nil))+10], "line " + itoa(eventLine+2)},
		"cut at a line end":     {bytes.Join(lines[:eventLine+1], nil), "truncated"},
		"missing end record":    {bytes.Join(lines[:len(lines)-2], nil), "truncated"},
		"garbage line":          {append(append(bytes.Join(lines[:eventLine+1], nil), "{not json\n"...), bytes.Join(lines[eventLine+1:], nil)...), "line " + itoa(eventLine+2)},
		"unknown record":        {append(append(bytes.Join(lines[:eventLine+1], nil), "{\"rec\":\"bogus\"}\n"...), bytes.Join(lines[eventLine+1:], nil)...), "unknown record"},
		"event of unknown lane": {append(bytes.Join(lines[:1], nil), bytes.Join(lines[eventLine:], nil)...), "before its lane record"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "bad.ndjson")
			if err := os.WriteFile(p, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := LoadSession(p, LoadOptions{})
			if err == nil || s != nil {
				t.Fatalf("loaded a damaged file: session %v err %v", s, err)
			}
			if !strings.Contains(err.Error(), tc.wantLine) || !strings.Contains(err.Error(), p) {
				t.Fatalf("error %q does not name %q and the file", err, tc.wantLine)
			}
			partial, perr := LoadSession(p, LoadOptions{Partial: true})
			if perr == nil || partial == nil {
				t.Fatalf("partial load: session %v err %v", partial, perr)
			}
		})
	}
	// Loading partially keeps every event before the damage.
	p := filepath.Join(t.TempDir(), "cut.ndjson")
	os.WriteFile(p, bytes.Join(lines[:eventLine+2], nil), 0o644)
	partial, err := LoadSession(p, LoadOptions{Partial: true})
	if err == nil || partial == nil || partial.Snapshot().Lanes[0].Len() != 2 {
		t.Fatalf("partial load kept %v events (err %v), want 2", partial, err)
	}
}

func TestLoadRejectsOtherFiles(t *testing.T) {
	for name, data := range map[string]string{"empty": "", "json": "{\"a\":1}\n", "newer": `{"format":"sseinspector-session","version":99}` + "\n"} {
		p := filepath.Join(t.TempDir(), name)
		os.WriteFile(p, []byte(data), 0o644)
		if _, err := LoadSession(p, LoadOptions{}); err == nil {
			t.Errorf("%s: loaded without error", name)
		}
	}
	if _, err := LoadSession(filepath.Join(t.TempDir(), "missing"), LoadOptions{}); err == nil {
		t.Error("missing file: no error")
	}
}

func TestSaveIsAtomic(t *testing.T) {
	path, _ := saveSample(t, SaveOptions{})
	before, _ := os.ReadFile(path)
	dir := filepath.Dir(path)
	// A save whose final rename fails (the target is a non-empty
	// directory) must leave nothing behind: no temporary file, and any
	// existing file untouched. This holds for root too, unlike a
	// permission test.
	blocked := filepath.Join(dir, "blocked")
	os.MkdirAll(filepath.Join(blocked, "x"), 0o755)
	if err := SaveSession(blocked, sampleSession(t).Snapshot(), SaveOptions{}); err == nil {
		t.Fatal("saving over a non-empty directory succeeded")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != filepath.Base(path) && e.Name() != "blocked" {
			t.Errorf("failed save left %s behind", e.Name())
		}
	}
	// A successful save replaces the file whole.
	if err := SaveSession(path, NewSession(Limits{}).Snapshot(), SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(path)
	if bytes.Equal(before, after) {
		t.Fatal("the second save did not replace the file")
	}
	if _, err := LoadSession(path, LoadOptions{}); err != nil {
		t.Fatalf("replaced file does not load: %v", err)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
