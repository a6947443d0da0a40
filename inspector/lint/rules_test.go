package lint

import (
	"strings"
	"testing"

	"github.com/sseinspector/sseinspector/inspector/diagnose"
)

// brokenCase is a configuration with one harmful setting: the linter must
// name it at pos, and the configuration its edits produce must lint clean.
type brokenCase struct {
	name   string
	format Format
	files  map[string]string
	main   string // the file linted; "" means the one not under sites-enabled
	path   string
	id     string
	pos    string
}

var brokenCases = []brokenCase{
	{name: "nginx gzip_types inherited from an included http block", format: Nginx, id: "proxy-compression", pos: "/etc/nginx/nginx.conf:4:27",
		files: map[string]string{
			"/etc/nginx/nginx.conf":           "events {}\nhttp {\n    gzip on;\n    gzip_types text/plain text/event-stream;\n    include /etc/nginx/sites-enabled/*;\n}\n",
			"/etc/nginx/sites-enabled/app":    "server {\n    listen 80;\n    location /events {\n        proxy_pass http://app;\n        proxy_buffering off;\n    }\n}\n",
			"/etc/nginx/sites-enabled/static": "server {\n    listen 81;\n    root /srv;\n}\n"}},
	{name: "nginx proxy_buffering on in the location", format: Nginx, id: "nginx-buffering", pos: "/etc/nginx/nginx.conf:6:13",
		files: map[string]string{"/etc/nginx/nginx.conf": "http {\n    server {\n        listen 80;\n        location /stream {\n            proxy_pass http://app;\n            proxy_buffering on; # explicit\n        }\n    }\n}\n"}},
	{name: "nginx buffering by default, on a one-line location", format: Nginx, id: "nginx-buffering", pos: "/etc/nginx/nginx.conf:1:28",
		files: map[string]string{"/etc/nginx/nginx.conf": "http { server { listen 80; location /events { proxy_pass http://app; } } }"}},
	{name: "nginx chunked_transfer_encoding off in the server", format: Nginx, id: "unframed-body", pos: "/etc/nginx/nginx.conf:4:9",
		files: map[string]string{"/etc/nginx/nginx.conf": "http {\n    server {\n        listen 80;\n        chunked_transfer_encoding off;\n        location /events {\n            proxy_pass http://app;\n            proxy_buffering off;\n        }\n    }\n}\n"}},
	{name: "nginx proxy_cache", format: Nginx, id: "cached-stream", pos: "/etc/nginx/nginx.conf:3:9",
		files: map[string]string{"/etc/nginx/nginx.conf": "http {\n    server {\n        proxy_cache shared;\n        location /events {\n            proxy_pass http://app;\n            proxy_buffering off;\n        }\n    }\n}\n"}},
	{name: "nginx --path picks the exact location over the prefix", format: Nginx, path: "/live", id: "nginx-buffering", pos: "/etc/nginx/nginx.conf:4:9",
		files: map[string]string{"/etc/nginx/nginx.conf": "http {\n    server {\n        location / { proxy_pass http://a; proxy_buffering off; }\n        location = /live { proxy_pass http://b; }\n        location ~ ^/li { proxy_pass http://c; proxy_buffering off; }\n    }\n}\n"}},
	{name: "nginx --path picks the regular expression over a plain prefix", format: Nginx, path: "/feed/42", id: "idle-timeout", pos: "/etc/nginx/nginx.conf:5:13",
		files: map[string]string{"/etc/nginx/nginx.conf": "http {\n    server {\n        location /feed/ { proxy_pass http://a; proxy_buffering off; }\n        location ~* ^/FEED/[0-9]+$ {\n            proxy_read_timeout 5; proxy_buffering off;\n            proxy_pass http://b;\n        }\n    }\n}\n"}},
	{name: "nginx fastcgi_buffering by default", format: Nginx, id: "nginx-buffering", pos: "/etc/nginx/nginx.conf:4:9", main: "/etc/nginx/nginx.conf",
		files: map[string]string{"/etc/nginx/nginx.conf": "http {\n    server {\n        fastcgi_read_timeout 1h;\n        location ~ ^/stream\\.php$ {\n            include fastcgi_params;\n            fastcgi_pass unix:/run/php/php-fpm.sock;\n        }\n    }\n}\n",
			"/etc/nginx/fastcgi_params": "fastcgi_param QUERY_STRING $query_string;\n"}},
	{name: "haproxy compression without a type list", format: HAProxy, id: "proxy-compression", pos: "/etc/haproxy/haproxy.cfg:6:5",
		files: map[string]string{"/etc/haproxy/haproxy.cfg": "defaults\n    mode http\n    option http-no-delay\n    timeout client 1h\n    timeout server 1h\n    compression algo gzip\nfrontend f\n    bind :80\n    default_backend events\nbackend events\n    server s 127.0.0.1:9000\n"}},
	{name: "haproxy compression type prefix text/", format: HAProxy, id: "proxy-compression", pos: "/etc/haproxy/haproxy.cfg:7:22",
		files: map[string]string{"/etc/haproxy/haproxy.cfg": "defaults\n    mode http\n    timeout client 1h\n    timeout server 1h\nlisten sse\n    compression algo gzip\n    compression type text/ application/json\n    option http-no-delay\n    server s 127.0.0.1:9000\n"}},
	{name: "haproxy cache-store on the stream backend", format: HAProxy, id: "cached-stream", pos: "/etc/haproxy/haproxy.cfg:10:5",
		files: map[string]string{"/etc/haproxy/haproxy.cfg": "defaults\n    mode http\n    timeout client 1h\n    timeout server 1h\n    option http-no-delay\nfrontend f\n    bind :80\n    default_backend events\nbackend events\n    http-response cache-store c\n    server s 127.0.0.1:9000\n"}},
	{name: "haproxy timeout client in milliseconds", format: HAProxy, id: "idle-timeout", pos: "/etc/haproxy/haproxy.cfg:5:20",
		files: map[string]string{"/etc/haproxy/haproxy.cfg": "defaults\n    mode http\n    option http-no-delay\n    timeout server 1h\n    timeout client 20000\nlisten events\n    bind :80\n    server s 127.0.0.1:9000\n"}},
	{name: "haproxy listen with --path", format: HAProxy, path: "/updates", id: "proxy-buffering", pos: "/etc/haproxy/haproxy.cfg:5:1",
		files: map[string]string{"/etc/haproxy/haproxy.cfg": "defaults\n    mode http\n    timeout client 1h\n    timeout server 1h\nlisten app\n    bind :80\n    server s 127.0.0.1:9000\n"}},
	{name: "apache fcgi without flushpackets", format: Apache, id: "proxy-buffering", pos: "/etc/apache2/sites-enabled/app.conf:3:5",
		files: map[string]string{
			"/etc/apache2/apache2.conf":           "ServerRoot /etc/apache2\nTimeout 300\nIncludeOptional sites-enabled/*.conf\n",
			"/etc/apache2/sites-enabled/app.conf": "<VirtualHost *:80>\n    ServerName app\n    ProxyPass /stream fcgi://127.0.0.1:9000/var/www/stream.php\n</VirtualHost>\n"}},
	{name: "apache fcgi ProxyPass continued on a second line", format: Apache, id: "proxy-buffering", pos: "/etc/apache2/apache2.conf:2:5",
		files: map[string]string{"/etc/apache2/apache2.conf": "<VirtualHost *:80>\n    ProxyPass \"/stream\" \"fcgi://127.0.0.1:9000/s.php\" \\\n        timeout=600\n</VirtualHost>\n"}},
	{name: "apache deflate on event streams", format: Apache, id: "proxy-compression", pos: "/etc/apache2/apache2.conf:2:41",
		files: map[string]string{"/etc/apache2/apache2.conf": "Timeout 300\nAddOutputFilterByType DEFLATE text/html text/event-stream text/plain\n<VirtualHost *:80>\n    ProxyPass /events http://127.0.0.1:3000/events\n</VirtualHost>\n"}},
	{name: "caddy buffered responses", format: Caddy, id: "proxy-buffering", pos: "/etc/caddy/Caddyfile:3:3",
		files: map[string]string{"/etc/caddy/Caddyfile": "example.com {\n\treverse_proxy /events localhost:9000 {\n\t\tbuffer_responses\n\t}\n}\n"}},
	{name: "caddy write timeout", format: Caddy, id: "fixed-lifetime", pos: "/etc/caddy/Caddyfile:4:4",
		files: map[string]string{"/etc/caddy/Caddyfile": "{\n\tservers {\n\t\ttimeouts {\n\t\t\twrite 30s\n\t\t}\n\t}\n}\nexample.com {\n\treverse_proxy /events localhost:9000\n}\n"}},
	{name: "caddy encode block without a matcher", format: Caddy, id: "proxy-compression", pos: "/etc/caddy/Caddyfile:2:2",
		files: map[string]string{"/etc/caddy/Caddyfile": "example.com {\n\tencode gzip {\n\t\tminimum_length 256\n\t}\n\treverse_proxy /events localhost:9000\n}\n"}},
}

// mainFile is the file a case lints: the one the others are included from.
func (c brokenCase) mainFile() string {
	if c.main != "" {
		return c.main
	}
	for name := range c.files {
		if !strings.Contains(name, "sites-enabled") {
			return name
		}
	}
	return ""
}

func TestBrokenConfigsNameTheLineAndTheEditFixesIt(t *testing.T) {
	for _, c := range brokenCases {
		t.Run(c.name, func(t *testing.T) {
			main := c.mainFile()
			r := lintText(t, main, c.files[main], c.files, Options{Format: c.format, Path: c.path})
			var found *Finding
			for i, f := range r.Findings {
				if f.ID == c.id && f.Pos.String() == c.pos {
					found = &r.Findings[i]
				}
			}
			if found == nil || !r.Problems {
				t.Fatalf("want %s at %s; got streams %+v findings:\n%s", c.id, c.pos, r.Streams, describe(r))
			}
			if found.Severity < diagnose.SeverityWarning || found.Reason == "" || found.Fix == "" || found.Setting == "" {
				t.Errorf("finding lacks severity, reason, fix or setting: %+v", *found)
			}
			if cause := diagnose.RuleCause(c.id); cause == "" || found.Cause != cause {
				t.Errorf("cause %q, want the diagnosis's %q", found.Cause, cause)
			}
			if r.Patch() == "" {
				t.Fatal("no patch")
			}
			patched := map[string]string{}
			for name := range c.files {
				text, err := r.Apply(name)
				if err != nil {
					patched[name] = c.files[name]
					continue
				}
				patched[name] = text
			}
			again := lintText(t, main, patched[main], patched, Options{Format: c.format, Path: c.path})
			if again.Problems {
				t.Fatalf("patched configuration still warns:\n%s\npatch:\n%s", describe(again), r.Patch())
			}
		})
	}
}

func describe(r *Result) string {
	var b strings.Builder
	_ = r.WriteText(&b)
	return b.String()
}

func TestNginxDumpFromStdin(t *testing.T) {
	dump := "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n" +
		"nginx: configuration file /etc/nginx/nginx.conf test is successful\n" +
		"# configuration file /etc/nginx/nginx.conf:\n" +
		"events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n\n" +
		"# configuration file /etc/nginx/conf.d/app.conf:\n" +
		"server {\n    listen 80;\n    location /events {\n        proxy_pass http://app;\n    }\n}\n"
	r, err := Lint("stdin", []byte(dump), Options{Format: Nginx})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) == 0 || r.Findings[0].ID != "nginx-buffering" || r.Findings[0].Pos.String() != "/etc/nginx/conf.d/app.conf:3:5" {
		t.Fatalf("findings:\n%s", describe(r))
	}
	p := r.Patch()
	if !strings.HasPrefix(p, "--- etc/nginx/conf.d/app.conf\n+++ etc/nginx/conf.d/app.conf\n@@ -1,6 +1,7 @@\n") ||
		!strings.Contains(p, "\n+        proxy_buffering off;\n") {
		t.Fatalf("patch:\n%s", p)
	}
}

func TestInheritanceOverridden(t *testing.T) {
	// proxy_buffering off in http covers every location but the one that
	// turns it back on.
	src := "http {\n    proxy_buffering off;\n    server {\n        location /a/events { proxy_pass http://a; }\n" +
		"        location /b/events {\n            proxy_pass http://b;\n            proxy_buffering on;\n        }\n    }\n}\n"
	r := lintText(t, "nginx.conf", src, nil, Options{Format: Nginx})
	var ids []string
	for _, f := range r.Findings {
		if f.Severity >= diagnose.SeverityWarning {
			ids = append(ids, f.ID+"@"+f.Pos.String())
		}
	}
	if strings.Join(ids, ",") != "nginx-buffering@nginx.conf:7:13" {
		t.Fatalf("warnings %v\n%s", ids, describe(r))
	}
}

func TestParseNginxTime(t *testing.T) {
	for in, want := range map[string]string{"60": "1m0s", "60s": "1m0s", "1m30s": "1m30s", "500ms": "500ms", "2h": "2h0m0s", "1d": "24h0m0s"} {
		d, err := parseNginxTime(in)
		if err != nil || d.String() != want {
			t.Errorf("parseNginxTime(%q) = %v, %v; want %s", in, d, err, want)
		}
	}
	for _, bad := range []string{"", "s", "10x", "1.5s"} {
		if _, err := parseNginxTime(bad); err == nil {
			t.Errorf("parseNginxTime(%q): no error", bad)
		}
	}
}

func TestWildMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"/events*", "/events/1", true}, {"/events*", "/event", false}, {"/events", "/events", true},
		{"*.json", "/a/b.json", true}, {"/a*b*c", "/aXbYc", true}, {"/a*b*c", "/aXcYb", false},
		{"text/*", "text/event-stream", true}, {"text/html*", "text/event-stream", false}, {"*", "", true},
		{"/\xdb", "/\xdb", true},
	} {
		if got := wildMatch(tc.pattern, tc.s); got != tc.want {
			t.Errorf("wildMatch(%q, %q) = %v", tc.pattern, tc.s, got)
		}
	}
}

func TestNginxNotes(t *testing.T) {
	src := "http {\n    server {\n        listen 443 ssl;\n        location /events {\n            proxy_pass http://a;\n" +
		"            add_header X-Accel-Buffering no;\n        }\n    }\n}\n"
	r := lintText(t, "nginx.conf", src, nil, Options{Format: Nginx})
	var got []string
	for _, f := range r.Findings {
		got = append(got, f.ID+"@"+f.Pos.String())
		if f.ID == "nginx-buffering" && !strings.Contains(f.Reason, "add_header X-Accel-Buffering at nginx.conf:6 does not help") {
			t.Errorf("reason: %s", f.Reason)
		}
	}
	want := "nginx-buffering@nginx.conf:4:9,connection-limit@nginx.conf:3:9,idle-timeout@nginx.conf:4:9"
	if strings.Join(got, ",") != want {
		t.Fatalf("findings %v, want %s", got, want)
	}
	r = lintText(t, "nginx.conf", strings.Replace(src, "443 ssl", "443 ssl http2", 1), nil, Options{Format: Nginx})
	for _, f := range r.Findings {
		if f.ID == "connection-limit" {
			t.Fatalf("connection-limit with http2 on the listen line")
		}
	}
}
