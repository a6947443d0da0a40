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

// TestSideRequestNamesTheProxy puts a real proxy's answer to the side
// request next to a proxied lane that received nothing (the proxy held
// even the headers) and checks that the buffering finding names it.
func TestSideRequestNamesTheProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real proxies")
	}
	for _, c := range []struct {
		name  string
		start func(t *testing.T, upstream string) string
		want  string
		rule  string
	}{
		{"nginx", func(t *testing.T, up string) string { return it.StartNginx(t, it.NginxConfig{Upstream: up}).URL }, "nginx", "nginx-buffering"},
		{"haproxy", func(t *testing.T, up string) string { return it.StartHAProxy(t, it.ProxyConfig{Upstream: up}).URL }, "HAProxy", "proxy-buffering"},
		{"apache", func(t *testing.T, up string) string { return it.StartApache(t, it.ProxyConfig{Upstream: up}).URL }, "Apache httpd", "proxy-buffering"},
		{"caddy", func(t *testing.T, up string) string { return it.StartCaddy(t, it.ProxyConfig{Upstream: up}).URL }, "Caddy", "proxy-buffering"},
	} {
		t.Run(c.name, func(t *testing.T) {
			origin := it.StartHandler(t, &it.Origin{Rate: 20, Count: 5})
			proxy := c.start(t, origin.URL)
			s := it.NewSession()
			flowing(s, "direct", 60, 200, it.Ms(50))
			s.AddLaneInfo(inspector.LaneInfo{Name: "proxied", Kind: inspector.LaneSubscription, URL: proxy + "/stream"}).
				Connect(0, "").Close(it.Sec(3.1), inspector.CauseCancelled)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, err := inspector.ProbeServer(ctx, s.Session, proxy+"/stream", "probe"); err != nil {
				t.Fatal(err)
			}
			f := requireFinding(t, diagnoseRules(s), c.rule)
			if !strings.HasPrefix(f.Title, c.want) || !strings.Contains(f.Title, "nothing arrived") {
				t.Fatalf("title %q: want %s named and what was seen", f.Title, c.want)
			}
			requireEvidence(t, f, "side request")
		})
	}
}

func TestProxyNamedFromHeaders(t *testing.T) {
	for _, c := range []struct{ header, want string }{
		{"Server: openresty/1.21", "OpenResty"},
		{"Server: APISIX/3.2", "Apache APISIX"},
		{"Server: envoy", "Envoy"},
		{"CF-Ray: 8a1b2c3d4e5f-AMS", "Cloudflare"},
		{"Via: 1.1 Caddy", "Caddy"},
		{"Via: 1.1 mitmproxy", "mitmproxy"},
	} {
		s := it.NewSession()
		flowing(s, "direct", 60, 200, it.Ms(50))
		paged(s, "proxied", 60, 200, it.Ms(50), 4096, c.header)
		fs := diagnose.Diagnose(s.Snapshot(), diagnose.Options{})
		found := false
		for _, f := range fs {
			if (f.ID == "proxy-buffering" || f.ID == "nginx-buffering") && strings.Contains(f.Title, c.want) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no buffering finding naming %s:%s", c.header, c.want, describe(fs))
		}
	}
}
