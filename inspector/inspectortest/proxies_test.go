package inspectortest

import (
	"bufio"
	"net/http"
	"strings"
	"testing"
)

// Each kind of proxy starts on its generated configuration and passes the
// whole stream through, answering as itself.
func TestProxiesPassTheStream(t *testing.T) {
	for _, tc := range []struct {
		name   string
		start  func(testing.TB, ProxyConfig) *Proxy
		cfg    ProxyConfig
		header string // a response header that proves who answered
		want   string // a substring of it
	}{
		{"haproxy", StartHAProxy, ProxyConfig{}, "", ""},
		{"apache", StartApache, ProxyConfig{Front: "flushpackets=on"}, "Server", "Apache"},
		{"caddy", StartCaddy, ProxyConfig{}, "Server", "Caddy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			origin := (&Origin{Rate: 100, Size: 50, Count: 3}).Start(t)
			tc.cfg.Upstream = origin.URL
			p := tc.start(t, tc.cfg)
			if p.Kind != tc.name {
				t.Fatalf("started %s, want %s", p.Kind, tc.name)
			}
			resp, err := http.Get(p.URL + "/stream")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if tc.header != "" && !strings.Contains(resp.Header.Get(tc.header)+" "+resp.Header.Get("Via"), tc.want) {
				t.Fatalf("%s %q, Via %q: not answered by %s", tc.header, resp.Header.Get(tc.header), resp.Header.Get("Via"), p.Kind)
			}
			sc := bufio.NewScanner(resp.Body)
			var ids []string
			for sc.Scan() {
				if id, ok := strings.CutPrefix(sc.Text(), "id: "); ok {
					ids = append(ids, id)
				}
			}
			if strings.Join(ids, ",") != "1,2,3" {
				t.Fatalf("ids %v through %s, want 1,2,3\n%s", ids, p.Kind, p.Log())
			}
		})
	}
}

// A whole configuration given as text replaces the generated one.
func TestProxyTextReplacesTheConfiguration(t *testing.T) {
	origin := (&Origin{Rate: 100, Size: 50, Count: 1}).Start(t)
	p := StartHAProxy(t, ProxyConfig{Upstream: origin.URL, Text: `defaults
    mode http
    timeout connect 5s
    timeout client 5s
    timeout server 5s
frontend f
    bind {{.Addr}}
    http-response set-header X-Generated-By test-text
    default_backend b
backend b
    server o {{.UpstreamHost}}
`})
	resp, err := http.Get(p.URL + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-Generated-By"); got != "test-text" {
		t.Fatalf("X-Generated-By %q: the given configuration was not used\n%s", got, p.Config())
	}
}
