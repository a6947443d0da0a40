package capture_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/capture"
	"github.com/sseinspector/sseinspector/inspector/diagnose"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// A real tcpdump captures, on loopback, a stream of the stamped origin
// fetched through nginx with its default buffering: the capture holds
// both sides of nginx, and the diagnosis of the file must name nginx as
// the hop that buffers, measured from packets alone.
func TestTcpdumpCaptureOfBufferingNginx(t *testing.T) {
	if testing.Short() {
		t.Skip("real-server test: takes a few seconds")
	}
	origin := (&it.Origin{Rate: 40, Size: 200, Count: 80}).Start(t)
	ngx := it.StartNginx(t, it.NginxConfig{Upstream: origin.URL})
	originPort, nginxPort := port(t, origin.URL), port(t, ngx.URL)
	dump := it.StartTcpdump(t, "tcp port "+originPort+" or tcp port "+nginxPort)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sess := inspector.NewSession(inspector.Limits{})
	sub, err := inspector.Subscribe(ctx, sess, inspector.Request{URL: ngx.URL + "/stream", Name: "nginx", NoReconnect: true}, inspector.Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	<-sub.Done()
	// tcpdump signals nothing when it has written a packet: read the file
	// until it holds the end of both connections.
	res := readUntil(t, dump.Path, 10*time.Second, func(res *capture.Result) bool {
		for _, l := range res.Session.Snapshot().Lanes {
			if len(l.Conns) == 0 || l.Conns[0].Cause != inspector.CauseEOF {
				return false
			}
		}
		return len(res.Session.Snapshot().Lanes) == 2
	})
	if err := dump.Stop(); err != nil {
		t.Fatal(err)
	}
	if len(res.Chains) != 1 || len(res.Chains[0]) != 2 {
		t.Fatalf("chains %v in %d lanes (warnings %q): want the two sides of nginx", res.Chains,
			len(res.Session.Snapshot().Lanes), res.Warnings)
	}
	r := diagnose.Analyze(res.Session.Snapshot(), diagnose.Options{Chain: res.Chains[0]})
	var text strings.Builder
	_ = r.WriteText(&text)
	if testing.Verbose() {
		t.Logf("diagnosis of the capture:\n%s", text.String())
	}
	f := reportFinding(t, r, "nginx-buffering")
	if want := "hop 1 (127.0.0.1:" + nginxPort; !strings.HasPrefix(f.Title, want) {
		t.Fatalf("finding %q, want it at %s:\n%s", f.Title, want, text.String())
	}
	if h := r.Hops[1]; h.Matching == nil || h.Matching.Matched != 80 || h.Added == nil || h.Added.P50.D() < 100*time.Millisecond {
		t.Errorf("nginx hop %+v: want 80 events matched and a buffer's delay (p50 ≥ 100 ms)", h)
	}
	if o := r.Lanes[r.Hops[0].Lane]; o.Bursts.Bursts != 0 || o.Events != 80 {
		t.Errorf("origin side: %d events, %d bursts: want each event in its own segment", o.Events, o.Bursts.Bursts)
	}
}

// readUntil reads the capture file until done accepts it, at most limit.
func readUntil(t *testing.T, path string, limit time.Duration, done func(*capture.Result) bool) *capture.Result {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		res, err := capture.ReadFile(path, capture.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if done(res) {
			return res
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s the capture still lacks the ends of the streams: %d lanes, warnings %q",
				limit, len(res.Session.Snapshot().Lanes), res.Warnings)
		}
		time.Sleep(50 * time.Millisecond) // polling a file: tcpdump offers no signal
	}
}

func port(t *testing.T, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	return u.Port()
}

func reportFinding(t *testing.T, r *diagnose.Report, id string) diagnose.Finding {
	t.Helper()
	for _, f := range r.Findings {
		if f.ID == id {
			return f
		}
	}
	var b strings.Builder
	_ = r.WriteText(&b)
	t.Fatalf("no %s finding in:\n%s", id, b.String())
	return diagnose.Finding{}
}
