package gui

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestLaunchSubscribesToTheCommandLineURLs opens the window as
// "sseinspector -H 'X-Token: t' URL URL" would.
func TestLaunchSubscribesToTheCommandLineURLs(t *testing.T) {
	ui, _ := newTestInspector(t)
	srv, _ := sseServer(t, 3)
	got := make(chan string, 4)
	hdr := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("X-Token")
		srv.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(hdr.Close)
	t.Cleanup(ui.Close) // before hdr.Close, which waits for the streams to end
	args, err := ParseArgs([]string{"-H", "X-Token: t", hdr.URL + "/a", hdr.URL + "/b"})
	if err != nil {
		t.Fatal(err)
	}
	if errs := ui.Launch(args); len(errs) > 0 {
		t.Fatalf("launch: %v", errs)
	}
	lanes := ui.sess.Lanes()
	if len(lanes) != 2 {
		t.Fatalf("%d lanes, want one per URL", len(lanes))
	}
	for range 2 {
		if h := <-got; h != "t" {
			t.Fatalf("request header X-Token = %q, want the -H value", h)
		}
	}
	waitLane(t, ui.sess, lanes[1].ID(), 3)
	ui.refreshNow()
	if ui.reference(ui.snap) != lanes[0].ID() {
		t.Errorf("reference lane %d, want the first URL's", ui.reference(ui.snap))
	}
}
