package diagnose_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/inspector"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// Acceptance tests on a real nginx (Debian's package): each subscribes to
// an origin directly and through nginx at the same moment and checks that
// the diagnosis names the cause the configuration creates, and nothing
// when the configuration is right. Origins send about 40 events/s of
// ~200 B so that nginx's 4096-byte buffers fill within a second.

// comparison is a direct and a proxied subscription recorded together.
type comparison struct {
	sess            *inspector.Session
	direct, proxied *inspector.Subscription
}

// compareThroughNginx starts the origin and nginx with the given
// configuration and subscribes to both, without reconnecting.
func compareThroughNginx(t *testing.T, origin *it.Origin, cfg it.NginxConfig) *comparison {
	t.Helper()
	if testing.Short() {
		t.Skip("real-server test: takes a few seconds")
	}
	srv := origin.Start(t)
	cfg.Upstream = srv.URL
	ngx := it.StartNginx(t, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	c := &comparison{sess: inspector.NewSession(inspector.Limits{})}
	var err error
	c.direct, err = inspector.Subscribe(ctx, c.sess, inspector.Request{URL: srv.URL + "/stream", Name: "direct", NoReconnect: true}, inspector.Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	c.proxied, err = inspector.Subscribe(ctx, c.sess, inspector.Request{URL: ngx.URL + "/stream", Name: "proxied", NoReconnect: true}, inspector.Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.direct.Stop()
		c.proxied.Stop()
		<-c.direct.Done()
		<-c.proxied.Done()
	})
	return c
}

// wait waits for the subscriptions to end by themselves, failing the test
// after limit; the others are then stopped. It returns the analysis.
func (c *comparison) wait(t *testing.T, limit time.Duration, subs ...*inspector.Subscription) *diagnose.Report {
	t.Helper()
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	for _, s := range subs {
		select {
		case <-s.Done():
		case <-deadline.C:
			t.Fatalf("stream %q still open after %s", s.Lane().Info().Name, limit)
		}
	}
	c.direct.Stop()
	c.proxied.Stop()
	<-c.direct.Done()
	<-c.proxied.Done()
	r := diagnose.Analyze(c.sess.Snapshot(), diagnose.Options{Reference: c.direct.Lane().ID()})
	if testing.Verbose() || t.Failed() {
		var b strings.Builder
		_ = r.WriteText(&b)
		t.Logf("report:\n%s", b.String())
	}
	return r
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

// bufferingRules are the rules a buffering set-up is judged by. Tests
// that assert "no problems" on real servers restrict the diagnosis to the
// rules under test, so that timing rules cannot fail them on a loaded
// machine; the scenario matrix checks every rule, one scenario at a time.
var bufferingRules = []string{"nginx-buffering", "proxy-buffering", "app-buffering", "buffering",
	"x-accel-buffering-ignored", "proxy-compression", "app-compression", "compression", "no-events"}

// reportClean fails unless the report, restricted to the buffering rules,
// found nothing of warning severity or worse.
func reportClean(t *testing.T, r *diagnose.Report) {
	t.Helper()
	var problems []diagnose.Finding
	for _, f := range r.Findings {
		if f.Severity >= diagnose.SeverityWarning && slices.Contains(bufferingRules, f.ID) {
			problems = append(problems, f)
		}
	}
	if len(problems) > 0 {
		var b strings.Builder
		_ = r.WriteText(&b)
		t.Fatalf("want no problems, got:\n%s", b.String())
	}
}

// streamOrigin sends count stamped events at 40/s, ~200 B each.
func streamOrigin(count int) *it.Origin { return &it.Origin{Rate: 40, Size: 200, Count: count} }

func TestNginxDefaultBufferingIsNamed(t *testing.T) {
	c := compareThroughNginx(t, streamOrigin(80), it.NginxConfig{})
	r := c.wait(t, 10*time.Second, c.direct, c.proxied)
	f := reportFinding(t, r, "nginx-buffering")
	if !strings.Contains(f.Fix, "proxy_buffering off;") || !strings.Contains(f.Fix, "proxy_http_version 1.1;") {
		t.Fatalf("fix:\n%s", f.Fix)
	}
	if p := r.Lanes["proxied"]; p.Bursts.StepSize%4096 != 0 || p.Bursts.StepSize == 0 {
		t.Errorf("proxied step %d B, want nginx's 4096-byte pages", p.Bursts.StepSize)
	}
	for _, g := range r.Findings {
		if g.ID == "app-buffering" || g.ID == "proxy-buffering" {
			t.Errorf("unexpected %s: the direct lane flows", g.ID)
		}
	}
}

func TestNginxFixedConfigurationsAreClean(t *testing.T) {
	for _, c := range []struct{ name, location string }{
		{"buffering off", "proxy_buffering off;"},
		{"HTTP/1.1 upstream", "proxy_http_version 1.1;\nproxy_set_header Connection \"\";"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmp := compareThroughNginx(t, streamOrigin(60), it.NginxConfig{Location: c.location})
			r := cmp.wait(t, 10*time.Second, cmp.direct, cmp.proxied)
			reportClean(t, r)
			d, p := r.Delay["direct"], r.Delay["proxied"]
			if d == nil || p == nil || d.Source != diagnose.DelayStamp || p.Source != diagnose.DelayStamp {
				t.Fatalf("stamp delays not measured: direct %+v proxied %+v", d, p)
			}
			// Buffering holds events for pages (hundreds of ms); a busy
			// machine adds a few ms here and there. Within the origin's
			// 25 ms between events, no event waited for the next.
			if diff := (p.P50.D() - d.P50.D()).Abs(); diff >= 25*time.Millisecond {
				t.Fatalf("proxied p50 %v vs direct %v: an event's interval apart or more", p.P50, d.P50)
			}
			if r.Lanes["proxied"].Events != 60 {
				t.Fatalf("proxied got %d events, want 60", r.Lanes["proxied"].Events)
			}
		})
	}
}

func TestNginxGzipIsNamed(t *testing.T) {
	c := compareThroughNginx(t, streamOrigin(80), it.NginxConfig{HTTP: "gzip on;\ngzip_types text/event-stream;"})
	r := c.wait(t, 10*time.Second, c.direct, c.proxied)
	f := reportFinding(t, r, "proxy-compression")
	if f.Severity != diagnose.SeverityWarning || !strings.Contains(f.Fix, "gzip off;") {
		t.Fatalf("severity %s fix:\n%s", f.Severity, f.Fix)
	}
}

func TestNginxReadTimeoutIsAnIdleClose(t *testing.T) {
	origin := &it.Origin{Rate: 40, Size: 200, Count: 10, Quiet: true}
	c := compareThroughNginx(t, origin, it.NginxConfig{Location: "proxy_buffering off;\nproxy_read_timeout 2s;"})
	r := c.wait(t, 10*time.Second, c.proxied)
	f := reportFinding(t, r, "idle-timeout")
	if !strings.Contains(f.Fix, "heartbeat") {
		t.Fatalf("fix does not name heartbeats:\n%s", f.Fix)
	}
	// nginx keeps an armed timer that re-arming would move by less than
	// 300 ms, so the close comes 1.7–2 s after the last byte (later on a
	// busy machine). The idle time counts from the last byte, not from
	// the request: the ten events took at least 9 × 25 ms before it.
	ds := r.Lanes["proxied"].Disconnects
	if len(ds) != 1 || ds[0].Idle.Ms() < 1650 || ds[0].Lifetime.D()-ds[0].Idle.D() < 9*25*time.Millisecond || ds[0].By != diagnose.ClosedByServer {
		t.Fatalf("proxied disconnects %+v, want one server close about 2 s after the last byte", ds)
	}
	if len(f.Lanes) == 0 || f.Lanes[0] != c.proxied.Lane().ID() {
		t.Fatalf("finding lanes %v, want the proxied lane first", f.Lanes)
	}
}

func TestNginxHonoursXAccelBufferingNo(t *testing.T) {
	origin := streamOrigin(80)
	origin.Header = map[string][]string{"X-Accel-Buffering": {"no"}}
	c := compareThroughNginx(t, origin, it.NginxConfig{})
	reportClean(t, c.wait(t, 10*time.Second, c.direct, c.proxied))
}

func TestGoOriginWithoutFlushIsTheApplication(t *testing.T) {
	origin := streamOrigin(80)
	origin.NoFlush = true
	c := compareThroughNginx(t, origin, it.NginxConfig{})
	r := c.wait(t, 10*time.Second, c.direct, c.proxied)
	f := reportFinding(t, r, "app-buffering")
	if len(f.Lanes) == 0 || f.Lanes[0] != c.direct.Lane().ID() {
		t.Fatalf("lanes %v: the buffering must be seen on the direct lane", f.Lanes)
	}
	for _, g := range r.Findings {
		if g.ID == "nginx-buffering" || g.ID == "proxy-buffering" {
			t.Errorf("unexpected %s: the direct lane shows the application buffers", g.ID)
		}
	}
}
