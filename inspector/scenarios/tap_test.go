package scenarios

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/diagnose"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
	"github.com/sseinspector/sseinspector/proxytap"
)

// tapOnly reads one stream through a tap in front of upstream, as a
// browser would, and diagnoses the tap's session: no direct lane.
func tapOnly(t *testing.T, upstream string) *diagnose.Report {
	t.Helper()
	sess := inspector.NewSession(inspector.Limits{})
	tap, err := proxytap.New(proxytap.Config{Upstream: upstream, Recorder: sess})
	if err != nil {
		t.Fatal(err)
	}
	addr, err := tap.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tap.Close() })
	client := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{DisableCompression: true}}
	resp, err := client.Get("http://" + addr.String() + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// The tap records the end of the stream after the browser side saw it.
	timeout := time.After(5 * time.Second)
	for {
		snap := sess.Snapshot()
		if len(snap.Lanes) > 0 && len(snap.Lanes[0].Conns) > 0 && !snap.Lanes[0].Conns[0].Open() {
			return diagnose.Analyze(snap, diagnose.Options{})
		}
		select {
		case <-sess.Changed():
		case <-timeout:
			t.Fatal("the tap never recorded the end of the stream")
		}
	}
}

func bufferingFinding(t *testing.T, r *diagnose.Report) diagnose.Finding {
	t.Helper()
	for _, f := range r.Findings {
		if f.ID == "buffering" {
			return f
		}
	}
	var b strings.Builder
	_ = r.WriteText(&b)
	t.Fatalf("no buffering finding:\n%s", b.String())
	return diagnose.Finding{}
}

func TestTapInFrontOfNginxBlamesNginx(t *testing.T) {
	if testing.Short() {
		t.Skip("real servers")
	}
	origin := it.StartHandler(t, &it.Origin{Rate: 40, Size: 200, Count: 80})
	ngx := it.StartNginx(t, it.NginxConfig{Upstream: origin.URL})
	f := bufferingFinding(t, tapOnly(t, ngx.URL))
	if !strings.HasPrefix(f.Title, "nginx holds the events back") || !strings.Contains(f.Fix, "proxy_buffering off;") {
		t.Fatalf("title %q fix:\n%s", f.Title, f.Fix)
	}
}

func TestTapInFrontOfAnUnchunkedApplicationBlamesIt(t *testing.T) {
	if testing.Short() {
		t.Skip("real servers")
	}
	origin := &it.HTTP10Origin{Cadence: it.Cadence{Count: 80, Every: 25 * time.Millisecond}, NoFlush: true}
	origin.Start(t)
	f := bufferingFinding(t, tapOnly(t, origin.URL))
	if !strings.HasPrefix(f.Title, "The application holds the events back") {
		t.Fatalf("title %q", f.Title)
	}
}
