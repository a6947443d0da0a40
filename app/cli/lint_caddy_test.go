package cli

import (
	"strings"
	"testing"

	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// caddyConf proxies /events under a 2 s upstream read timeout.
const caddyConf = `{
	admin off
	auto_https off
}

http://__ADDR__ {
	handle /events* {
		reverse_proxy __UPSTREAM_HOST__ {
			transport http {
				read_timeout 2s
			}
		}
	}
	handle {
		reverse_proxy __UPSTREAM_HOST__
	}
}
`

func TestLintCaddyTimeoutPatchedOnRealCaddy(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"Caddyfile": caddyConf})
	patched := lintAndPatch(t, dir, "Caddyfile", "idle-timeout", "Caddyfile:10:18", "--path", "/events")
	if !strings.Contains(patched, "read_timeout 1h\n") {
		t.Fatalf("patched configuration:\n%s", patched)
	}

	origin := (&it.Origin{Rate: 40, Size: 200, Count: 40, Quiet: true}).Start(t)
	broken := it.StartCaddy(t, it.ProxyConfig{Upstream: origin.URL, Text: asTemplate(caddyConf)})
	wantFinding(t, compareThrough(t, origin.URL, broken.URL, "4s"), "idle-timeout")
	fixed := it.StartCaddy(t, it.ProxyConfig{Upstream: origin.URL, Text: asTemplate(patched)})
	t.Cleanup(origin.CloseClientConnections) // before the servers stop
	wantClean(t, compareThrough(t, origin.URL, fixed.URL, "4s"), fixed.Config())
}

// caddyEncodeConf compresses every response of the site, event streams
// included.
const caddyEncodeConf = `{
	admin off
	auto_https off
}

http://__ADDR__ {
	encode gzip
	reverse_proxy /events* __UPSTREAM_HOST__
	reverse_proxy __UPSTREAM_HOST__
}
`

func TestLintCaddyEncodePatchedOnRealCaddy(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"Caddyfile": caddyEncodeConf})
	patched := lintAndPatch(t, dir, "Caddyfile", "proxy-compression", "Caddyfile:7:2", "--path", "/events")
	if !strings.Contains(patched, "\tencode gzip {\n\t\tmatch {\n\t\t\theader Content-Type text/html*\n") {
		t.Fatalf("patched configuration:\n%s", patched)
	}

	// encode decides on the first write: events over its 512-byte
	// minimum_length get the stream compressed.
	origin := (&it.Origin{Rate: 40, Size: 1000, Count: 80}).Start(t)
	broken := it.StartCaddy(t, it.ProxyConfig{Upstream: origin.URL, Text: asTemplate(caddyEncodeConf)})
	r := compareEvents(t, origin.URL, broken.URL, 80)
	if !strings.Contains(r.stdout, "proxy-compression") {
		t.Fatalf("compare through the broken configuration: want proxy-compression\n%v", r)
	}
	fixed := it.StartCaddy(t, it.ProxyConfig{Upstream: origin.URL, Text: asTemplate(patched)})
	r = compareEvents(t, origin.URL, fixed.URL, 80)
	wantClean(t, r, fixed.Config())
	if strings.Contains(r.stdout, "compression") {
		t.Fatalf("compare through the patched configuration still names compression:\n%v", r)
	}
}
