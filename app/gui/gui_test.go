package gui

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/sse"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sseinspector/sseinspector/inspector"
)

// walk visits every object under o, including the content of containers
// and of widgets' renderers.
func walk(t *testing.T, o fyne.CanvasObject, visit func(fyne.CanvasObject) bool) bool {
	if o == nil || !visit(o) {
		return false
	}
	var children []fyne.CanvasObject
	switch c := o.(type) {
	case *fyne.Container:
		children = c.Objects
	case fyne.Widget:
		children = test.TempWidgetRenderer(t, c).Objects()
	}
	for _, ch := range children {
		if !walk(t, ch, visit) {
			return false
		}
	}
	return true
}

// find returns the first object under root satisfying match.
func find[T fyne.CanvasObject](t *testing.T, root fyne.CanvasObject, match func(T) bool) T {
	var found T
	walk(t, root, func(o fyne.CanvasObject) bool {
		if v, ok := o.(T); ok && match(v) {
			found = v
			return false
		}
		return true
	})
	return found
}

func newTestInspector(t *testing.T) (*Inspector, fyne.Window) {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1280, 800))
	ui := newInspector(a, w, false)
	t.Cleanup(ui.Close)
	return ui, w
}

// sseServer streams n events then keeps the connection open; it closes
// served when the first request arrives.
func sseServer(t *testing.T, n int) (*httptest.Server, chan struct{}) {
	served := make(chan struct{}, 8)
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for i := 1; i <= n; i++ {
			fmt.Fprintf(w, "id: %d\ndata: event %d\n\n", i, i)
		}
		w.(http.Flusher).Flush()
		served <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	t.Cleanup(func() { close(stop); srv.Close() })
	return srv, served
}

// waitLane waits until the lane has n events, driven by the session's
// change signal.
func waitLane(t *testing.T, s *inspector.Session, id, n int) *inspector.LaneSnapshot {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		if l := s.Lane(id); l != nil {
			if snap := l.Snapshot(); snap.Len() >= n {
				return snap
			}
		}
		select {
		case <-s.Changed():
		case <-deadline:
			t.Fatalf("lane %d did not reach %d events", id, n)
		}
	}
}

func TestAddStreamDialogCreatesALane(t *testing.T) {
	ui, w := newTestInspector(t)
	srv, served := sseServer(t, 3)
	ui.ShowAddStream()
	dlg := w.Canvas().Overlays().Top()
	if dlg == nil {
		t.Fatal("no dialog shown")
	}
	url := find(t, dlg, func(*keySelectEntry) bool { return true })
	if url == nil {
		t.Fatal("no URL entry in the dialog")
	}
	test.Type(url, srv.URL+"/stream")
	headers := find(t, dlg, func(e *keyEntry) bool { return e.MultiLine && e.PlaceHolder != "" && e.PlaceHolder[0] == 'A' })
	test.Type(headers, "X-Test: yes")
	subscribe := find(t, dlg, func(b *widget.Button) bool { return b.Text == "Subscribe" })
	if subscribe == nil {
		t.Fatal("no Subscribe button")
	}
	test.Tap(subscribe)
	lanes := ui.sess.Lanes()
	if len(lanes) != 1 {
		t.Fatalf("lanes = %d after subscribing, want 1", len(lanes))
	}
	select {
	case <-served:
	case <-time.After(10 * time.Second):
		t.Fatal("the subscription never reached the server")
	}
	snap := waitLane(t, ui.sess, lanes[0].ID(), 3)
	ui.refreshNow()
	if n := len(ui.events.rows); n != 3 {
		t.Fatalf("event table shows %d rows, want 3", n)
	}
	if got := snap.Conns[0].RequestHeader.Get("X-Test"); got != "yes" {
		t.Fatalf("custom header not sent: %q", got)
	}
	if ev := snap.Event(2); ev.Data != "event 3" || ev.ID != "3" {
		t.Fatalf("third event = %+v", ev)
	}
	// The URL is remembered for next time.
	if r := ui.recentStreams(); len(r) != 1 || r[0].URL != srv.URL+"/stream" || r[0].Headers != "X-Test: yes" {
		t.Fatalf("recent streams = %+v", r)
	}
}

func TestAddStreamRejectsBadInput(t *testing.T) {
	ui, _ := newTestInspector(t)
	for _, f := range []streamForm{{URL: "ftp://x/"}, {URL: "not a url"}, {URL: "http://127.0.0.1:1/", Headers: "no colon"}} {
		if _, err := ui.AddStream(f, ""); err == nil {
			t.Errorf("AddStream(%+v) succeeded", f)
		}
	}
	if n := len(ui.sess.Lanes()); n != 0 {
		t.Fatalf("bad input created %d lanes", n)
	}
}

func TestEventTableFiltersAndShowsDetail(t *testing.T) {
	ui, _ := newTestInspector(t)
	s := inspector.NewSession(inspector.Limits{})
	l := s.AddLane(inspector.LaneInfo{Name: "direct", Kind: inspector.LaneSubscription, URL: "http://127.0.0.1/x"})
	c := l.StartConn(0, "GET", "http://127.0.0.1/x", http.Header{"Accept": {"text/event-stream"}, "Authorization": {"Bearer s3cret"}}, "")
	l.SetResponse(c, time.Millisecond, 200, "HTTP/1.1", http.Header{"Content-Type": {"text/event-stream"}})
	rec := &inspector.ConnRecorder{Lane: l, Conn: c, Parser: &sse.Parser{}}
	rec.Feed(2*time.Millisecond, 0, 60, []byte("event: ping\ndata: one\n\nid: 2\ndata: two\r\n\r\nevent: ping\ndata: three\n\n"))
	ui.setSession(s, "fixture")
	ui.refreshNow()
	if n := len(ui.events.rows); n != 3 {
		t.Fatalf("table rows = %d, want 3", n)
	}
	test.Type(ui.events.text, "/^t/")
	if n := len(ui.events.rows); n != 2 {
		t.Fatalf("rows after /^t/ = %d, want 2", n)
	}
	ui.events.text.SetText("")
	ui.events.types.SetSelected("ping")
	if n := len(ui.events.rows); n != 2 {
		t.Fatalf("rows of type ping = %d, want 2", n)
	}
	ui.events.types.SetSelectedIndex(0)
	ui.selectEvent(l.ID(), 1, false)
	text := ui.detail.text.Text
	for _, want := range []string{"id        \"2\"", `data: two\r\n`, "Content-Type: text/event-stream", "completed 3 events at once",
		"Authorization: Bearer " + inspector.Redacted} {
		if !strings.Contains(text, want) {
			t.Errorf("detail lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "s3cret") {
		t.Errorf("detail shows a credential:\n%s", text)
	}
}

// The tap started from the window records into the session on display;
// replacing that session stops the tap, so that live traffic never pours
// into a session opened afterwards.
func TestReplacingTheSessionStopsTheTap(t *testing.T) {
	ui, _ := newTestInspector(t)
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "data: event 1\n\ndata: event 2\n\n") // then the stream ends
	}))
	t.Cleanup(origin.Close)
	tr, err := ui.StartTap("127.0.0.1:0", origin.URL, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ui.tapButton.Text, tr.addr) {
		t.Errorf("toolbar tap button says %q while the tap runs on %s", ui.tapButton.Text, tr.addr)
	}
	resp, err := http.Get("http://" + tr.addr + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	io.ReadAll(resp.Body)
	resp.Body.Close()
	first := ui.sess
	deadline := time.After(10 * time.Second)
	for len(first.Lanes()) == 0 {
		select {
		case <-first.Changed():
		case <-deadline:
			t.Fatal("no tapped lane appeared")
		}
	}
	ui.setSession(inspector.NewSession(inspector.Limits{}), "second")
	if ui.tap != nil || ui.tapButton.Text != "Tap" {
		t.Fatalf("the tap still runs after the session was replaced (button %q)", ui.tapButton.Text)
	}
	if _, err := http.Get("http://" + tr.addr + "/stream"); err == nil {
		t.Fatal("the stopped tap still accepts connections")
	}
	if n := len(ui.sess.Lanes()); n != 0 {
		t.Fatalf("the new session got %d lanes from the tap", n)
	}
}

// A damaged session file is reported with its line, and the user may load
// what precedes the damage.
func TestOpenDamagedSessionOffersThePartBefore(t *testing.T) {
	ui, w := newTestInspector(t)
	s := inspector.NewSession(inspector.Limits{})
	l := s.AddLane(inspector.LaneInfo{Name: "direct", Kind: inspector.LaneSubscription})
	c := l.StartConn(0, "GET", "http://127.0.0.1/x", nil, "")
	rec := &inspector.ConnRecorder{Lane: l, Conn: c, Parser: &sse.Parser{}}
	rec.Feed(time.Millisecond, 0, 30, []byte("data: a\n\ndata: b\n\ndata: c\n\n"))
	path := t.TempDir() + "/s.ndjson"
	if err := inspector.SaveSession(path, s.Snapshot(), inspector.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	cut := strings.LastIndex(string(raw), `{"rec":"event"`) + 20 // inside the last event's line
	os.WriteFile(path, raw[:cut], 0o644)

	// What OpenSessionFile does, minus its goroutine.
	loaded, err := inspector.LoadSession(path, inspector.LoadOptions{Partial: true})
	ui.showLoaded(path, loaded, err)
	dlg := w.Canvas().Overlays().Top()
	if dlg == nil {
		t.Fatal("no dialog for a damaged file")
	}
	msg := find(t, dlg, func(l *widget.Label) bool { return strings.Contains(l.Text, "line ") })
	if msg == nil {
		t.Fatal("the dialog does not name the damaged line")
	}
	load := find(t, dlg, func(b *widget.Button) bool { return b.Text == "Load what precedes" })
	if load == nil {
		t.Fatal("no button to load what precedes")
	}
	test.Tap(load)
	got := ui.sess.Snapshot()
	if len(got.Lanes) != 1 || got.Lanes[0].Len() != 2 {
		t.Fatalf("partial load: %d lanes, events %v", len(got.Lanes), got.Lanes)
	}
	if !strings.Contains(ui.name, "partial") {
		t.Fatalf("window title does not say the session is partial: %q", ui.name)
	}
}

// Plain requests seen by the tap are listed in their own tab, not as lanes.
func TestTappedPlainRequestsAreListedApart(t *testing.T) {
	ui, _ := newTestInspector(t)
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/events" {
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, "data: 1\n\n")
			return
		}
		w.Header().Set("Content-Type", "text/css")
		fmt.Fprint(w, "body{}")
	}))
	t.Cleanup(origin.Close)
	tr, err := ui.StartTap("127.0.0.1:0", origin.URL, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/style.css", "/events", "/app.css"} {
		resp, err := http.Get("http://" + tr.addr + path)
		if err != nil {
			t.Fatal(err)
		}
		io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	deadline := time.After(10 * time.Second)
	for {
		ended := 0
		for _, l := range ui.sess.Snapshot().Lanes {
			if len(l.Conns) > 0 && !l.Conns[0].Open() {
				ended++
			}
		}
		if ended == 3 {
			break
		}
		select {
		case <-ui.sess.Changed():
		case <-deadline:
			t.Fatalf("%d of 3 tapped requests recorded as ended", ended)
		}
	}
	ui.refreshNow()
	if n := len(ui.lanes.shown); n != 1 || ui.lanes.shown[0].Info.Kind != inspector.LaneTap {
		t.Fatalf("lanes sidebar shows %d lanes, want the one stream", n)
	}
	if n := len(ui.requests.rows); n != 2 || ui.requestsTab.Text != "Requests (2)" {
		t.Fatalf("requests tab lists %d (%q), want 2", n, ui.requestsTab.Text)
	}
	row := ui.requests.rows[0]
	if m, st, u := requestCell(row, 1), requestCell(row, 2), requestCell(row, 6); m != "GET" || st != "200" || !strings.HasSuffix(u, "/style.css") {
		t.Fatalf("request row method %q, status %q, URL %q", m, st, u)
	}
	// The table has headers, and pointing at a row shows its full URL.
	tbl := ui.requests.table
	header := tbl.CreateHeader().(*widget.Label)
	tbl.UpdateHeader(widget.TableCellID{Row: -1, Col: 6}, header)
	if header.Text != "URL" {
		t.Errorf("the URL column's header says %q", header.Text)
	}
	cell := tbl.CreateCell().(*hoverLabel)
	tbl.UpdateCell(widget.TableCellID{Row: 0, Col: 6}, cell)
	cell.MouseIn(&desktop.MouseEvent{})
	if ui.requests.full.Text != u0(row) || !strings.HasSuffix(cell.Text, "/style.css") {
		t.Errorf("pointing at the row's URL cell (%q) shows %q, want the full URL %q", cell.Text, ui.requests.full.Text, u0(row))
	}
}

// u0 is a request lane's full URL.
func u0(l *inspector.LaneSnapshot) string { return l.Conns[0].URL }
