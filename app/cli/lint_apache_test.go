package cli

import (
	"strings"
	"testing"

	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// apacheConf proxies /events in a virtual host under a 2 s ProxyTimeout.
const apacheConf = `ServerRoot "__DIR__"
ServerName 127.0.0.1
Listen __ADDR__
PidFile __DIR__/httpd.pid
ErrorLog __DIR__/error.log
LogLevel warn
DefaultRuntimeDir __DIR__
Mutex file:__DIR__ default
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so
LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so
{{if .Root}}User www-data
Group www-data
{{end}}
Timeout 300
ProxyTimeout 2

<VirtualHost __ADDR__>
    ProxyPass "/events" "__UPSTREAM__/events"
    ProxyPassReverse "/events" "__UPSTREAM__/events"
    ProxyPass "/" "__UPSTREAM__/"
</VirtualHost>
`

func TestLintApacheTimeoutPatchedOnRealApache(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"httpd.conf": apacheConf})
	patched := lintAndPatch(t, dir, "httpd.conf", "idle-timeout", "httpd.conf:17:14", "--path", "/events")
	if !strings.Contains(patched, `ProxyPass "/events" "__UPSTREAM__/events" timeout=3600`+"\n") {
		t.Fatalf("patched configuration:\n%s", patched)
	}

	origin := (&it.Origin{Rate: 40, Size: 200, Count: 40, Quiet: true}).Start(t)
	broken := it.StartApache(t, it.ProxyConfig{Upstream: origin.URL, Text: asTemplate(apacheConf)})
	wantFinding(t, compareThrough(t, origin.URL, broken.URL, "4s"), "idle-timeout")
	fixed := it.StartApache(t, it.ProxyConfig{Upstream: origin.URL, Text: asTemplate(patched)})
	// Apache notices a client gone only when it writes: drop the quiet
	// origin's connections before the servers are stopped.
	t.Cleanup(origin.CloseClientConnections)
	wantClean(t, compareThrough(t, origin.URL, fixed.URL, "4s"), fixed.Config())
}
