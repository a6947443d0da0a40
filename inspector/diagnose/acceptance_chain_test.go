package diagnose_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/diagnose"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// Acceptance tests of chains on real proxies: the same stream is fetched
// at every hop at once and the diagnosis must name the hop that buffers,
// not the clean hops before it nor the hops after it that inherit it.

// hop starts one proxy in front of upstream and returns its base URL.
type hop struct {
	name  string
	start func(t *testing.T, upstream string) string
}

var (
	nginxHop = hop{"nginx", func(t *testing.T, up string) string {
		return it.StartNginx(t, it.NginxConfig{Upstream: up}).URL
	}}
	// HAProxy sends with MSG_MORE while a chunked reply goes on, which lets
	// the kernel hold small events for up to 200 ms; http-no-delay makes it
	// the clean hop these tests need.
	haproxyHop = hop{"haproxy", func(t *testing.T, up string) string {
		return it.StartHAProxy(t, it.ProxyConfig{Upstream: up, Global: "    option http-no-delay"}).URL
	}}
	caddyHop = hop{"caddy", func(t *testing.T, up string) string {
		return it.StartCaddy(t, it.ProxyConfig{Upstream: up}).URL
	}}
)

// recordChain starts the origin and the hops, each in front of the one
// before, subscribes to every hop at once and analyses the chain once
// every stream has ended.
func recordChain(t *testing.T, hops ...hop) *diagnose.Report {
	t.Helper()
	if testing.Short() {
		t.Skip("real-server test: takes a few seconds")
	}
	srv := streamOrigin(80).Start(t)
	urls, names := []string{srv.URL}, []string{"origin"}
	for _, h := range hops {
		urls = append(urls, h.start(t, urls[len(urls)-1]))
		names = append(names, h.name)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	sess := inspector.NewSession(inspector.Limits{})
	var subs []*inspector.Subscription
	var ids []int
	for i, u := range urls {
		sub, err := inspector.Subscribe(ctx, sess, inspector.Request{URL: u + "/stream", Name: names[i], NoReconnect: true}, inspector.Hooks{})
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, sub)
		ids = append(ids, sub.Lane().ID())
	}
	for _, s := range subs {
		<-s.Done()
	}
	if ctx.Err() != nil {
		t.Fatal("the streams did not end within 20 s")
	}
	r := diagnose.Analyze(sess.Snapshot(), diagnose.Options{Chain: ids})
	if testing.Verbose() || t.Failed() {
		var b strings.Builder
		_ = r.WriteText(&b)
		t.Logf("report:\n%s", b.String())
	}
	return r
}

// requireHopNamed checks that the buffering is named at want and at no
// other hop.
func requireHopNamed(t *testing.T, r *diagnose.Report, id, want string) {
	t.Helper()
	f := reportFinding(t, r, id)
	if !strings.HasPrefix(f.Title, want) {
		t.Fatalf("%s is named at %q, want %s", id, f.Title, want)
	}
	for _, h := range r.Hops {
		named := strings.HasPrefix(want, "hop "+string(rune('0'+h.Hop))+" ")
		has := false
		for _, fid := range h.Findings {
			has = has || fid == id
		}
		if has != named {
			t.Errorf("hop %d (%s) findings %v", h.Hop, h.Label, h.Findings)
		}
	}
}

func TestChainNginxThenHAProxyNamesNginx(t *testing.T) {
	r := recordChain(t, nginxHop, haproxyHop)
	requireHopNamed(t, r, "nginx-buffering", "hop 1 (nginx")
	if h := r.Hops[2]; h.Matching == nil || h.Matching.Matched != 80 {
		t.Errorf("haproxy matched %+v, want the 80 events nginx delivered", h.Matching)
	}
}

func TestChainHAProxyThenNginxNamesNginx(t *testing.T) {
	r := recordChain(t, haproxyHop, nginxHop)
	requireHopNamed(t, r, "nginx-buffering", "hop 2 (nginx")
	// Against the buffering hop after it, not a fixed bound: a busy
	// machine delays every lane, but only a buffer holds events for pages.
	if h, n := r.Hops[1], r.Hops[2]; h.Added == nil || n.Added == nil || h.Added.P95 >= n.Added.P50 {
		t.Errorf("haproxy added %+v, nginx %+v: want haproxy to deliver each event at once, well before nginx's pages", h.Added, n.Added)
	}
}

func TestChainCaddyNginxHAProxyNamesNginx(t *testing.T) {
	r := recordChain(t, caddyHop, nginxHop, haproxyHop)
	requireHopNamed(t, r, "nginx-buffering", "hop 2 (nginx")
	if len(r.Hops) != 4 {
		t.Fatalf("%d hops, want 4", len(r.Hops))
	}
}
