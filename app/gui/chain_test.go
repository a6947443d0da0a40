package gui

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sseinspector/sseinspector/inspector"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

func TestCompareChainShowsHopsAndTheWaterfall(t *testing.T) {
	ui, _ := newTestInspector(t)
	srv, _ := sseServer(t, 5)
	err := ui.CompareChain(streamForm{URL: srv.URL + "/origin"}, []string{srv.URL + "/lb", srv.URL + "/edge"}, []string{"app", "lb"})
	if err != nil {
		t.Fatal(err)
	}
	snap := ui.sess.Snapshot()
	if len(snap.Lanes) != 3 || snap.Lanes[0].Info.Name != "app" || snap.Lanes[1].Info.Name != "lb" || snap.Lanes[2].Info.Name != "hop 2" {
		t.Fatalf("lanes %v", snap.Lanes)
	}
	for _, l := range snap.Lanes {
		waitLane(t, ui.sess, l.Info.ID, 5)
	}
	ui.refreshNow()
	r := ui.result.report
	if r == nil || len(r.Hops) != 3 || r.Hops[2].Matching == nil || r.Hops[2].Matching.Matched != 5 {
		t.Fatalf("report hops: %+v", r)
	}
	edge := snap.Lanes[2].Info.ID
	if ds := ui.result.delays[edge]; len(ds) != 5 {
		t.Errorf("edge dots: %d delays, want the 5 the hop added", len(ds))
	}
	ui.selectEvent(edge, 0, false)
	if text := ui.detail.text.Text; !strings.Contains(text, "Along the chain") || !strings.Contains(text, "hop 2 hop 2") {
		t.Errorf("detail lacks the waterfall:\n%s", text)
	}
	if wf := ui.detail.waterfall; !wf.Visible() || wf.Image == nil || wf.Image.Bounds().Dy() < 3*20 {
		t.Errorf("no waterfall drawing shown (visible %v)", wf.Visible())
	}
	ui.detail.clear()
	if ui.detail.waterfall.Visible() {
		t.Error("the waterfall stays after the detail is cleared")
	}
}

func TestCompareChainRejectsABadHop(t *testing.T) {
	ui, _ := newTestInspector(t)
	if err := ui.CompareChain(streamForm{URL: "http://127.0.0.1:1/"}, []string{"ftp://x/"}, nil); err == nil || !strings.Contains(err.Error(), "hop 1") {
		t.Fatalf("err %v", err)
	}
}

// A capture made by tcpdump opens like a session file, with a note of
// what it held.
func TestOpenACapture(t *testing.T) {
	ui, w := newTestInspector(t)
	srv, served := sseServer(t, 4)
	u, _ := url.Parse(srv.URL)
	dump := it.StartTcpdump(t, "tcp port "+u.Port())
	ctx, cancel := context.WithCancel(context.Background())
	sess := inspector.NewSession(inspector.Limits{})
	sub, err := inspector.Subscribe(ctx, sess, inspector.Request{URL: srv.URL + "/s", NoReconnect: true}, inspector.Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	<-served
	waitLane(t, sess, sub.Lane().ID(), 4)
	cancel()
	<-sub.Done()
	dump.WaitQuiet(t)
	if err := dump.Stop(); err != nil {
		t.Fatal(err)
	}

	// What OpenSessionFile does, minus its goroutine.
	reports := 0
	loaded, chain, note, err := loadRecording(dump.Path, func(read, total int64) { reports++ })
	if reports == 0 || !strings.Contains(loadingText("x.pcap", 5<<20, 10<<20), "50% of 10 MiB") {
		t.Errorf("%d progress reports; text %q", reports, loadingText("x.pcap", 5<<20, 10<<20))
	}
	ui.showLoaded(dump.Path, loaded, err)
	ui.showCapture(loaded, chain, note)
	got := ui.sess.Snapshot()
	if len(got.Lanes) != 1 || got.Lanes[0].Len() != 4 || got.Lanes[0].Info.Kind != inspector.LaneCapture {
		t.Fatalf("capture opened as %d lanes: %v", len(got.Lanes), got.Lanes)
	}
	dlg := w.Canvas().Overlays().Top()
	if dlg == nil || find(t, dlg, func(l *widget.Label) bool { return strings.Contains(l.Text, "1 event streams") }) == nil {
		t.Fatal("no note of what the capture held")
	}
	test.Tap(find(t, dlg, func(b *widget.Button) bool { return b.Text == "OK" }))
}
