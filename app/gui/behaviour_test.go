package gui

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/diagnose"
	"github.com/sseinspector/sseinspector/inspector/sse"
)

// button returns the button with the given text in the top dialog.
func button(t *testing.T, w fyne.Window, text string) *widget.Button {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no dialog shown, looking for %q", text)
	}
	b := find(t, top, func(b *widget.Button) bool { return b.Text == text })
	if b == nil {
		t.Fatalf("no %q button in the dialog", text)
	}
	return b
}

// press sends a key to a focusable field.
func press(f fyne.Focusable, k fyne.KeyName) { f.TypedKey(&fyne.KeyEvent{Name: k}) }

// recordedSession is a session of two lanes with three events each, as
// a loaded file would hold.
func recordedSession() *inspector.Session {
	s := inspector.NewSession(inspector.Limits{})
	for _, name := range []string{"direct", "proxied"} {
		l := s.AddLane(inspector.LaneInfo{Name: name, Kind: inspector.LaneSubscription, URL: "http://127.0.0.1/" + name})
		c := l.StartConn(0, "GET", "http://127.0.0.1/"+name, nil, "")
		l.SetResponse(c, time.Millisecond, 200, "HTTP/1.1", http.Header{"Content-Type": {"text/event-stream"}})
		l.SetState(inspector.StateOpen, "")
		rec := &inspector.ConnRecorder{Lane: l, Conn: c, Parser: &sse.Parser{}}
		lag := time.Duration(0)
		if name == "proxied" {
			lag = 40 * time.Millisecond
		}
		for i, ev := range []string{"id: 1\ndata: a\n\n", "id: 2\ndata: b\n\n", "id: 3\ndata: c\n\n"} {
			at := time.Duration(i+1)*100*time.Millisecond + lag
			rec.Feed(at, 0, len(ev), []byte(ev))
		}
	}
	return s
}

func TestDialogsSubmitOnEnterAndCloseOnEscape(t *testing.T) {
	ui, w := newTestInspector(t)
	srv, _ := sseServer(t, 1)
	ui.ShowAddStream()
	url := find(t, w.Canvas().Overlays().Top(), func(*keySelectEntry) bool { return true })
	test.Type(url, srv.URL+"/a")
	press(url, fyne.KeyReturn)
	if w.Canvas().Overlays().Top() != nil || len(ui.sess.Lanes()) != 1 {
		t.Fatalf("Enter in the URL field: dialog still open or %d lanes", len(ui.sess.Lanes()))
	}
	ui.ShowAddStream()
	url = find(t, w.Canvas().Overlays().Top(), func(*keySelectEntry) bool { return true })
	test.Type(url, srv.URL+"/b")
	press(url, fyne.KeyEscape)
	if w.Canvas().Overlays().Top() != nil || len(ui.sess.Lanes()) != 1 {
		t.Fatalf("Escape: dialog still open or %d lanes", len(ui.sess.Lanes()))
	}
}

func TestInvalidFieldsAreReportedBesideThemAndKeepTheForm(t *testing.T) {
	ui, w := newTestInspector(t)
	ui.ShowAddStream()
	dlg := w.Canvas().Overlays().Top()
	url := find(t, dlg, func(*keySelectEntry) bool { return true })
	test.Type(url, "ftp://example.test/x")
	if err := url.Validate(); err == nil || !strings.Contains(err.Error(), "scheme") {
		t.Fatalf("URL field validation: %v, want the scheme named", err)
	}
	if b := button(t, w, "Subscribe"); !b.Disabled() {
		t.Error("Subscribe is enabled with an invalid URL")
	}
	press(url, fyne.KeyReturn)
	if w.Canvas().Overlays().Top() == nil || url.Text != "ftp://example.test/x" || len(ui.sess.Lanes()) != 0 {
		t.Fatal("Enter with an invalid URL closed the form, lost the text or added a lane")
	}
	headers := find(t, dlg, func(e *keyEntry) bool { return e.MultiLine && strings.HasPrefix(e.PlaceHolder, "Authorization") })
	url.SetText("http://127.0.0.1:1/x")
	test.Type(headers, "no colon here")
	press(url, fyne.KeyReturn)
	if headers.Validate() == nil || w.Canvas().Overlays().Top() == nil || len(ui.sess.Lanes()) != 0 {
		t.Error("a bad header line is not reported beside the headers field, with the form kept open")
	}
}

func TestSubmitErrorsKeepTheFormOpen(t *testing.T) {
	ui, w := newTestInspector(t)
	ui.ShowTap()
	dlg := w.Canvas().Overlays().Top()
	listen := find(t, dlg, func(e *keyEntry) bool { return e.Text != "" })
	listen.SetText("127.0.0.1:99999") // no such port
	upstream := find(t, dlg, func(e *keyEntry) bool { return strings.HasPrefix(e.PlaceHolder, "http://") })
	upstream.SetText("http://127.0.0.1:1")
	test.Tap(button(t, w, "Start tap"))
	if w.Canvas().Overlays().Top() == nil {
		t.Fatal("a tap that cannot listen closed its form")
	}
	if listen.Text != "127.0.0.1:99999" || upstream.Text != "http://127.0.0.1:1" {
		t.Errorf("the form lost what was typed: listen %q, upstream %q", listen.Text, upstream.Text)
	}
	if listen.Validate() == nil {
		t.Error("the listen error is not shown beside the listen field")
	}
	if ui.tap != nil {
		t.Error("a tap runs after a failed start")
	}
}

func TestCompareRemembersBothURLs(t *testing.T) {
	ui, w := newTestInspector(t)
	srv, _ := sseServer(t, 1)
	ui.ShowCompare()
	urls := []*keySelectEntry{}
	walk(t, w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) bool {
		if e, ok := o.(*keySelectEntry); ok {
			urls = append(urls, e)
		}
		return true
	})
	if len(urls) != 2 {
		t.Fatalf("%d URL fields in the compare dialog, want 2", len(urls))
	}
	test.Type(urls[0], srv.URL+"/direct")
	test.Type(urls[1], srv.URL+"/proxied")
	press(urls[1], fyne.KeyReturn)
	if n := len(ui.sess.Lanes()); n != 2 {
		t.Fatalf("compare made %d lanes", n)
	}
	ui.ShowCompare()
	var again []string
	walk(t, w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) bool {
		if e, ok := o.(*keySelectEntry); ok {
			again = append(again, e.Text)
		}
		return true
	})
	if len(again) != 2 || again[0] != srv.URL+"/direct" || again[1] != srv.URL+"/proxied" {
		t.Fatalf("compare dialog reopened with %q, want both URLs", again)
	}
}

func TestShortcutsWorkWhileTheFilterHasFocus(t *testing.T) {
	ui, w := newTestInspector(t)
	w.Canvas().Focus(ui.events.text)
	ui.events.text.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyK, Modifier: fyne.KeyModifierShortcutDefault})
	top := w.Canvas().Overlays().Top()
	if top == nil || find(t, top, func(b *widget.Button) bool { return b.Text == "Compare" }) == nil {
		t.Fatal("Ctrl+K in the filter field did not open the compare dialog")
	}
	// A shortcut the entry knows still works in it.
	ui.events.text.SetText("abc")
	ui.events.text.TypedShortcut(&fyne.ShortcutSelectAll{})
	if got := ui.events.text.SelectedText(); got != "abc" {
		t.Errorf("select-all in the filter selected %q", got)
	}
}

func TestReplacingUnsavedDataAsks(t *testing.T) {
	ui, w := newTestInspector(t)
	srv, _ := sseServer(t, 2)
	id, err := ui.AddStream(streamForm{URL: srv.URL + "/s"}, "")
	if err != nil {
		t.Fatal(err)
	}
	waitLane(t, ui.sess, id, 2)
	replaced := false
	ui.askToReplace("the demo", func() { replaced = true })
	if replaced {
		t.Fatal("unsaved events were replaced without asking")
	}
	test.Tap(button(t, w, "Replace"))
	if !replaced {
		t.Fatal("confirming did not replace the session")
	}
	// A saved session is replaced at once.
	ui.setSession(recordedSession(), "recorded")
	replaced = false
	ui.askToReplace("the demo", func() { replaced = true })
	if !replaced || w.Canvas().Overlays().Top() != nil {
		t.Fatal("a session with nothing unsaved asked before being replaced")
	}
}

func TestRemovingALaneAsks(t *testing.T) {
	ui, w := newTestInspector(t)
	ui.setSession(recordedSession(), "recorded")
	id := ui.sess.Lanes()[1].ID()
	ui.askRemoveLane(id)
	if len(ui.sess.Lanes()) != 2 {
		t.Fatal("the lane went before the user confirmed")
	}
	test.Tap(button(t, w, "No"))
	if len(ui.sess.Lanes()) != 2 {
		t.Fatal("declining removed the lane")
	}
	ui.askRemoveLane(id)
	test.Tap(button(t, w, "Yes"))
	if len(ui.sess.Lanes()) != 1 {
		t.Fatal("confirming did not remove the lane")
	}
}

func TestSaveToATypedAbsolutePathSaysWhere(t *testing.T) {
	ui, w := newTestInspector(t)
	ui.setSession(recordedSession(), "recorded")
	path := filepath.Join(t.TempDir(), "typed.ndjson")
	ui.ShowSave()
	entry := find(t, w.Canvas().Overlays().Top(), func(e *keyEntry) bool { return true })
	entry.SetText(path)
	press(entry, fyne.KeyReturn)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("not saved to the typed path: %v", err)
	}
	top := w.Canvas().Overlays().Top()
	if top == nil || find(t, top, func(l *widget.Label) bool { return strings.Contains(l.Text, path) }) == nil {
		t.Fatal("no confirmation naming where the session was saved")
	}
	// A directory that does not exist is reported beside the field.
	ui.ShowSave()
	entry = find(t, w.Canvas().Overlays().Top(), func(e *keyEntry) bool { return true })
	entry.SetText(filepath.Join(t.TempDir(), "missing", "x.ndjson"))
	press(entry, fyne.KeyReturn)
	if entry.Validate() == nil || w.Canvas().Overlays().Top() == nil {
		t.Fatal("saving into a missing directory closed the form without an error beside the path")
	}
}

func TestOpenedSessionShowsProgressThenRecordedLanesWithDelays(t *testing.T) {
	ui, _ := newTestInspector(t)
	path := filepath.Join(t.TempDir(), "s.ndjson")
	if err := inspector.SaveSession(path, recordedSession().Snapshot(), inspector.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	ui.loading.start(path)
	if s := ui.findings.summary.Text; !strings.HasPrefix(s, "Loading") || !ui.loading.bar.Visible() {
		t.Errorf("while loading the diagnosis says %q (progress bar shown: %v)", s, ui.loading.bar.Visible())
	}
	s, _, _, err := loadRecording(path, func(read, total int64) { ui.loading.progress(path, read, total) })
	if err != nil {
		t.Fatal(err)
	}
	ui.loading.done()
	ui.showLoaded(path, s, nil)
	ui.refreshNow()
	if ui.loading.bar.Visible() {
		t.Error("the progress bar stays after loading")
	}
	l := ui.lanes.shown[0]
	if got := stateText(l, false); !strings.HasPrefix(got, "recorded") {
		t.Errorf("a lane from a file says %q, want recorded", got)
	}
	// The delay column is filled without scrolling: the proxied lane's
	// delays are there on the first refresh.
	var delays int
	for row := range ui.events.rows {
		l, ev, ok := ui.events.event(row)
		if ok && ui.events.cellText(6, l, &ev) != "" {
			delays++
		}
	}
	if delays != 3 {
		t.Errorf("%d rows show a delay after opening, want the proxied lane's 3", delays)
	}
}

func TestTableFiltersFollowTheSession(t *testing.T) {
	ui, _ := newTestInspector(t)
	ui.setSession(recordedSession(), "first")
	ui.refreshNow()
	ui.events.lanes.SetSelectedIndex(2) // the proxied lane
	if n := len(ui.events.rows); n != 3 {
		t.Fatalf("lane filter: %d rows, want 3", n)
	}
	ui.setSession(recordedSession(), "second")
	ui.refreshNow()
	if ui.events.lanes.SelectedIndex() != 0 || len(ui.events.rows) != 6 {
		t.Fatalf("after a new session the lane filter is %q with %d rows, want all lanes and 6", ui.events.lanes.Selected, len(ui.events.rows))
	}
	// An invalid regex stays reported through refreshes.
	test.Type(ui.events.text, "/[/")
	ui.refreshNow()
	if !strings.HasPrefix(ui.events.count.Text, "invalid regex") {
		t.Errorf("after a refresh the count says %q, want the regex error", ui.events.count.Text)
	}
	// Numbering agrees between the table and the detail.
	ui.events.text.SetText("")
	ui.refreshNow()
	l, ev, _ := ui.events.event(0)
	ui.selectEvent(l.Info.ID, ev.Seq, false)
	if num := ui.events.cellText(0, l, &ev); !strings.HasPrefix(ui.detail.text.Text, "Event #"+num+" ") {
		t.Errorf("table numbers the event %s, the detail says %q", num, strings.SplitN(ui.detail.text.Text, "\n", 2)[0])
	}
}

func TestTimelineSelectionHighlightsTheRowAndFindingsZoom(t *testing.T) {
	ui, _ := newTestInspector(t)
	ui.setSession(recordedSession(), "recorded")
	ui.refreshNow()
	proxied := ui.sess.Lanes()[1].ID()
	ui.selectEvent(proxied, 1, true)
	sel := -1
	for i, r := range ui.events.rows {
		if int(r.lane) == proxied && r.seq == 1 {
			sel = i
		}
	}
	if sel < 0 || ui.events.selected != sel {
		t.Errorf("the timeline's selection is row %d of the table; the table selected %d", sel, ui.events.selected)
	}
	ui.timeline.focus([]diagnose.EventRef{{Lane: proxied, Seq: 2}})
	from, to := ui.timeline.widget.Range()
	at := ui.snap.Lane(proxied).Arrival(2)
	if from > at || to < at || to-from > 2*time.Second {
		t.Errorf("focusing a finding's event at %v shows %v..%v", at, from, to)
	}
	if ui.timeline.widget.Following() {
		t.Error("the timeline still follows after focusing a finding")
	}
}

func TestCopyFix(t *testing.T) {
	ui, _ := newTestInspector(t)
	ui.findings.choose(findingWithFix("proxy_buffering off;"), true)
	if ui.findings.copyFix.Disabled() || !ui.findings.detail.Selectable {
		t.Fatal("Copy fix disabled, or the fix text not selectable")
	}
	test.Tap(ui.findings.copyFix)
	if got := ui.app.Clipboard().Content(); got != "proxy_buffering off;" {
		t.Fatalf("clipboard holds %q after Copy fix", got)
	}
}

func findingWithFix(fix string) diagnose.Finding {
	return diagnose.Finding{ID: "test", Severity: diagnose.SeverityWarning, Title: "A test finding", Fix: fix}
}

func TestEscapeClosesADialogWithoutFocus(t *testing.T) {
	ui, w := newTestInspector(t)
	ui.ShowCompare()
	w.Canvas().Unfocus()
	if w.Canvas().Overlays().Top() == nil {
		t.Fatal("no dialog")
	}
	w.Canvas().(interface{ OnTypedKey() func(*fyne.KeyEvent) }).OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape left the dialog open")
	}
}

func TestTextFilterScrollsTheTableToTheTop(t *testing.T) {
	ui, w := newTestInspector(t)
	s := inspector.NewSession(inspector.Limits{})
	l := s.AddLane(inspector.LaneInfo{Name: "many", Kind: inspector.LaneSubscription})
	c := l.StartConn(0, "GET", "http://127.0.0.1/", nil, "")
	rec := &inspector.ConnRecorder{Lane: l, Conn: c, Parser: &sse.Parser{}}
	for i := range 500 {
		ev := []byte("data: row\n\n")
		rec.Feed(time.Duration(i+1)*time.Millisecond, 0, len(ev), ev)
	}
	ui.setSession(s, "many")
	ui.refreshNow()
	ui.events.table.ScrollToBottom()
	scroll := find(t, w.Content(), func(sc *container.Scroll) bool { return sc.Offset.Y > 0 })
	if scroll == nil {
		t.Fatal("the table did not scroll down")
	}
	test.Type(ui.events.text, "row")
	if scroll.Offset.Y != 0 {
		t.Errorf("after a new text filter the table is still scrolled to %v", scroll.Offset.Y)
	}
}
