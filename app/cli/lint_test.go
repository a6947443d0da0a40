package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// nginxDump is what "nginx -T" prints for a server with one stream
// location left at nginx's defaults.
const nginxDump = `nginx: the configuration file /etc/nginx/nginx.conf syntax is ok
nginx: configuration file /etc/nginx/nginx.conf test is successful
# configuration file /etc/nginx/nginx.conf:
events {}
http {
    include /etc/nginx/sites-enabled/*;
}

# configuration file /etc/nginx/sites-enabled/default:
server {
    listen 80;
    location /sse {
        proxy_pass http://127.0.0.1:3000;
    }
}
`

func TestLintReadsNginxDumpFromStdin(t *testing.T) {
	r := runIn(t, t.TempDir(), nginxDump, "lint", "-")
	if r.code != ExitFindings || !strings.Contains(r.stdout, "/etc/nginx/sites-enabled/default:3:5: warning [nginx-buffering]") {
		t.Fatalf("lint -:\n%v", r)
	}
	p := runIn(t, t.TempDir(), nginxDump, "lint", "--patch", "-")
	if !strings.HasPrefix(p.stdout, "--- etc/nginx/sites-enabled/default\n+++ etc/nginx/sites-enabled/default\n") {
		t.Fatalf("lint --patch -:\n%v", p)
	}
}

func TestLintJSON(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"haproxy.cfg": haproxyConf})
	r := runIn(t, dir, "", "lint", "--json", "haproxy.cfg", "--path", "/events")
	var out struct {
		Configs []struct {
			Format   string
			Streams  []struct{ Scope string }
			Findings []struct {
				ID, Severity, Setting string
				Pos                   struct{ File, Line, Column any }
			}
			Patch string
		}
		Problems bool
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("%v\n%v", err, r)
	}
	if r.code != ExitFindings || !out.Problems || len(out.Configs) != 1 || out.Configs[0].Format != "haproxy" ||
		len(out.Configs[0].Findings) == 0 || out.Configs[0].Patch == "" ||
		out.Configs[0].Streams[0].Scope != "frontend www → backend events" {
		t.Fatalf("lint --json:\n%v", r)
	}
}

func TestLintCleanExitsZero(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"Caddyfile": "example.com {\n\treverse_proxy /events* localhost:9000\n}\n"})
	r := runIn(t, dir, "", "lint", "Caddyfile")
	if r.code != ExitOK || !strings.Contains(r.stdout, "No setting that breaks event streams.") {
		t.Fatalf("lint of a clean Caddyfile:\n%v", r)
	}
}

func TestLintErrors(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"bad.conf": "http {\n  server {\n", "notes.txt": "hello\n"})
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"lint"}, ExitUsage, "want one or more configuration files"},
		{[]string{"lint", "--path", "events", "x"}, ExitUsage, "want a URL path starting with /"},
		{[]string{"lint", "missing.conf"}, ExitFailure, "read missing.conf"},
		{[]string{"lint", "--verify", "--json", "x"}, ExitUsage, "leave out --json and --patch"},
		{[]string{"lint", "--verify", "--format", "haproxy", "bad.conf"}, ExitFailure, "outside any section"},
		{[]string{"lint", "--format", "nginx", "bad.conf"}, ExitFailure, "nginx: bad.conf:2:3: block \"server\" is not closed"},
		{[]string{"lint", "notes.txt"}, ExitFailure, "cannot tell the configuration format"},
		{[]string{"lint", "--format", "iis", "bad.conf"}, ExitFailure, "unknown configuration format"},
	} {
		r := runIn(t, dir, "", tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%s: want exit %d and %q\n%v", strings.Join(tc.args, " "), tc.code, tc.want, r)
		}
	}
}
