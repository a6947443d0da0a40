package cli

import (
	"encoding/json"
	"strings"
	"testing"

	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// nginxMain is the main file of an nginx configuration laid out as
// Debian's: the stream's server in an included site file.
const nginxMain = `daemon off;
master_process off;
worker_processes 1;
pid __DIR__/nginx.pid;
error_log __DIR__/error.log info;
events { worker_connections 64; }
http {
    access_log __DIR__/access.log;
    client_body_temp_path __DIR__/tmp/body;
    proxy_temp_path __DIR__/tmp/proxy;
    default_type application/octet-stream;
    gzip on;
    include sites-enabled/*;
}
`

// nginxSite is a site whose /events location keeps nginx's defaults:
// buffering on with an HTTP/1.0 upstream.
const nginxSite = `server {
    listen __ADDR__;

    location / {
        proxy_pass __UPSTREAM__;
    }

    location /events {
        proxy_pass __UPSTREAM__;
        proxy_set_header Host $host;
    }
}
`

// nginxRunnable inlines the site into the main file: the server runs from
// a directory of its own, where the site file is not.
func nginxRunnable(main, site string) string {
	return asTemplate(strings.Replace(main, "include sites-enabled/*;", site, 1))
}

func TestLintNginxBufferingPatchedOnRealNginx(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"nginx.conf": nginxMain, "sites-enabled/app": nginxSite})
	lintAndPatch(t, dir, "nginx.conf", "nginx-buffering", "sites-enabled/app:8:5", "--path", "/events")
	patched := readFile(t, dir, "sites-enabled/app")
	if !strings.Contains(patched, "        proxy_buffering off;\n") {
		t.Fatalf("patched site:\n%s", patched)
	}

	origin := (&it.Origin{Rate: 40, Size: 200, Count: 80}).Start(t)
	broken := it.StartNginx(t, it.NginxConfig{Upstream: origin.URL, Text: nginxRunnable(nginxMain, nginxSite)})
	wantFinding(t, compareEvents(t, origin.URL, broken.URL, 80), "nginx-buffering")
	fixed := it.StartNginx(t, it.NginxConfig{Upstream: origin.URL, Text: nginxRunnable(nginxMain, patched)})
	wantClean(t, compareEvents(t, origin.URL, fixed.URL, 80), fixed.Config())
}

// TestCompareConfigTiesLinesToTheRun runs compare --config through nginx
// on the broken site: the live buffering finding names the site's line;
// with an application that sends X-Accel-Buffering: no, the run
// contradicts the configuration's warning, which is downgraded.
func TestCompareConfigTiesLinesToTheRun(t *testing.T) {
	skipShort(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"nginx.conf": nginxMain, "sites-enabled/app": nginxSite})
	conf := dir + "/nginx.conf"

	origin := (&it.Origin{Rate: 40, Size: 200, Count: 80}).Start(t)
	ngx := it.StartNginx(t, it.NginxConfig{Upstream: origin.URL, Text: nginxRunnable(nginxMain, nginxSite)})
	r := runCLI(t, "compare", "--events", "80", "--duration", "60s", "--config", conf, origin.URL+"/events", ngx.URL+"/events")
	line := "config: " + dir + "/sites-enabled/app:8:5 location /events has no proxy_buffering off and inherits proxy_http_version 1.0 (default)"
	if r.code != ExitFindings || !strings.Contains(r.stdout, line) || !strings.Contains(r.stdout, "the live run shows it too") {
		t.Fatalf("want the live finding tied to %q\n%v", line, r)
	}

	honest := (&it.Origin{Rate: 40, Size: 200, Count: 80, Header: map[string][]string{"X-Accel-Buffering": {"no"}}}).Start(t)
	ngx2 := it.StartNginx(t, it.NginxConfig{Upstream: honest.URL, Text: nginxRunnable(nginxMain, nginxSite)})
	r = runCLI(t, "compare", "--events", "80", "--duration", "60s", "--json", "--config", conf, honest.URL+"/events", ngx2.URL+"/events")
	var out struct {
		Problems bool
		Config   struct {
			Problems bool
			Findings []struct {
				ID, Severity string
				Evidence     []string
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("%v\n%v", err, r)
	}
	downgraded := false
	for _, f := range out.Config.Findings {
		if f.ID == "nginx-buffering" && f.Severity == "info" && len(f.Evidence) > 0 &&
			strings.HasPrefix(f.Evidence[0], "downgraded: the live run contradicts it") {
			downgraded = true
		}
	}
	if r.code != ExitOK || out.Problems || out.Config.Problems || !downgraded {
		t.Fatalf("want the configuration warning downgraded by the run\n%v", r)
	}
}

func TestLintNginxGzipPatchedOnRealNginx(t *testing.T) {
	skipShort(t)
	main := strings.Replace(nginxMain, "    gzip on;\n", "    gzip on;\n    gzip_types text/plain text/event-stream;\n", 1)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"nginx.conf": main, "sites-enabled/app": nginxSite})
	// gzip_types is in the main file's http block; the patch changes only
	// the stream's location.
	lintAndPatch(t, dir, "nginx.conf", "proxy-compression", "nginx.conf:13:27", "--path", "/events")
	if readFile(t, dir, "nginx.conf") != main {
		t.Fatalf("the main file was changed:\n%s", readFile(t, dir, "nginx.conf"))
	}
	patched := readFile(t, dir, "sites-enabled/app")

	origin := (&it.Origin{Rate: 40, Size: 200, Count: 80}).Start(t)
	broken := it.StartNginx(t, it.NginxConfig{Upstream: origin.URL, Text: nginxRunnable(main, nginxSite)})
	wantFinding(t, compareEvents(t, origin.URL, broken.URL, 80), "proxy-compression")
	fixed := it.StartNginx(t, it.NginxConfig{Upstream: origin.URL, Text: nginxRunnable(main, patched)})
	r := compareEvents(t, origin.URL, fixed.URL, 80)
	wantClean(t, r, fixed.Config())
	if strings.Contains(r.stdout, "compression") {
		t.Fatalf("compare through the patched configuration still names compression:\n%v", r)
	}
}

func TestLintVerifyOnRealNginx(t *testing.T) {
	skipShort(t)
	it.Require(t, "nginx", "nginx")
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"nginx.conf": nginxMain, "sites-enabled/app": nginxSite})
	r := runIn(t, dir, "", "lint", "--verify", "--verify-duration", "3s", "--path", "/events", "nginx.conf")
	if r.code != ExitOK || !strings.Contains(r.stdout, "Verifying location /events on ") ||
		!strings.Contains(r.stdout, "as configured:  warning nginx-buffering") ||
		!strings.Contains(r.stdout, "with the patch: no problems") {
		t.Fatalf("lint --verify:\n%v", r)
	}
}
