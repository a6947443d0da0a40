package scenarios

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/diagnose"
)

// Expect is the verdict a broken variant must produce.
type Expect struct {
	// ID is the rule that must name the cause.
	ID string
	// Severity is the least severity the finding must have.
	Severity diagnose.Severity
	// TitleHas and FixHas must appear in the finding's title and fix.
	TitleHas, FixHas string
}

// Variant is one set-up of a scenario: an origin and, optionally, a proxy
// in front of it.
type Variant struct {
	// Origin starts the origin for the test and returns its base URL.
	Origin func(t testing.TB) string
	// Proxy, if set, starts a proxy in front of upstream and returns its
	// base URL. Without one only the origin is subscribed to.
	Proxy func(t testing.TB, upstream string) string
}

// Scenario is a field report reproduced on loopback, broken and fixed.
type Scenario struct {
	// Name identifies the scenario in the table and as a subtest.
	Name string
	// Stack says in a few words what runs: the proxy and the origin.
	Stack string
	// Broken reproduces the report; Fixed applies the fix.
	Broken, Fixed Variant
	// Expect is the broken variant's verdict. The fixed variant must give
	// no finding of warning severity or worse.
	Expect Expect
	// For bounds the recording; it ends earlier when the streams end.
	For time.Duration
	// Reconnect lets the subscriptions reconnect (after 200 ms), as
	// EventSource does; without it each lane is one connection.
	Reconnect bool
	// Path is the stream's path; empty means "/stream".
	Path string
	// Fast scenarios run in the default test run; the others only with
	// the full matrix.
	Fast bool
	// ProxiedReference makes the proxied lane the reference, as a user
	// who picked the wrong lane would.
	ProxiedReference bool
}

// Recording is what one variant's run produced.
type Recording struct {
	Snapshot *inspector.Snapshot
	Report   *diagnose.Report
}

// Record runs one variant: it starts its servers, subscribes to the
// origin ("direct") and to the proxy ("proxied") at the same moment, and
// analyses what they received once both streams ended or sc.For passed.
func Record(t testing.TB, sc *Scenario, v Variant) *Recording {
	t.Helper()
	origin := v.Origin(t)
	path := sc.Path
	if path == "" {
		path = "/stream"
	}
	urls := [][2]string{{"direct", origin + path}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sess := inspector.NewSession(inspector.Limits{})
	if v.Proxy != nil {
		proxied := v.Proxy(t, origin) + path
		urls = append(urls, [2]string{"proxied", proxied})
		// The side request that names the proxy, as compare sends it.
		if _, err := inspector.ProbeServer(ctx, sess, proxied, "proxied probe"); err != nil {
			t.Logf("probe: %v", err)
		}
	}
	var subs []*inspector.Subscription
	for _, u := range urls {
		req := inspector.Request{URL: u[1], Name: u[0], NoReconnect: !sc.Reconnect, Retry: 200 * time.Millisecond,
			Client: &http.Client{Transport: &http.Transport{DisableCompression: true}}}
		s, err := inspector.Subscribe(ctx, sess, req, inspector.Hooks{})
		if err != nil {
			t.Fatalf("subscribe %s: %v", u[1], err)
		}
		subs = append(subs, s)
	}
	// The recording's length is part of the scenario (a timeout must have
	// the time to fire); streams that end by themselves end it earlier.
	expired := make(chan struct{})
	limit := time.AfterFunc(sc.For, func() { close(expired) })
	defer limit.Stop()
	for _, s := range subs {
		select {
		case <-s.Done():
		case <-expired:
		}
	}
	for _, s := range subs {
		s.Stop()
		<-s.Done()
	}
	ref := subs[0]
	if sc.ProxiedReference && len(subs) > 1 {
		ref = subs[1]
	}
	snap := sess.Snapshot()
	return &Recording{Snapshot: snap, Report: diagnose.Analyze(snap, diagnose.Options{Reference: ref.Lane().ID()})}
}

// Text is the recording's report as the CLI prints it.
func (r *Recording) Text() string {
	var b strings.Builder
	_ = r.Report.WriteText(&b)
	return b.String()
}
