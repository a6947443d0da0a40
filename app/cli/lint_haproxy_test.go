package cli

import (
	"strings"
	"testing"

	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// haproxyConf routes /events to a backend of its own, which inherits a
// 2 s timeout server from the defaults.
const haproxyConf = `global
    pidfile __DIR__/haproxy.pid
defaults
    mode http
    timeout connect 5s
    timeout client 1m
    timeout server 2s
frontend www
    bind __ADDR__
    acl is_events path_beg /events
    use_backend events if is_events
    default_backend app
backend app
    server app1 __UPSTREAM_HOST__
backend events
    server origin __UPSTREAM_HOST__
`

func TestLintHAProxyTimeoutPatchedOnRealHAProxy(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"haproxy.cfg": haproxyConf})
	patched := lintAndPatch(t, dir, "haproxy.cfg", "idle-timeout", "haproxy.cfg:7:20", "--path", "/events")
	if !strings.Contains(patched, "backend events\n    timeout server 1h\n    option http-no-delay\n") {
		t.Fatalf("patched configuration:\n%s", patched)
	}

	// A second of events, then silence: longer than the broken timeout.
	origin := (&it.Origin{Rate: 40, Size: 200, Count: 40, Quiet: true}).Start(t)
	broken := it.StartHAProxy(t, it.ProxyConfig{Upstream: origin.URL, Text: asTemplate(haproxyConf)})
	wantFinding(t, compareThrough(t, origin.URL, broken.URL, "4s"), "idle-timeout")
	fixed := it.StartHAProxy(t, it.ProxyConfig{Upstream: origin.URL, Text: asTemplate(patched)})
	t.Cleanup(origin.CloseClientConnections) // before the servers stop
	wantClean(t, compareThrough(t, origin.URL, fixed.URL, "4s"), fixed.Config())
}
