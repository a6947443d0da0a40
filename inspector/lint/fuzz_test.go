package lint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzLint checks what must hold for any input: no panic; and when the
// input parses, every finding points inside a file that was read, and the
// patch and the edits apply.
func fuzzLint(f *testing.F, format Format, seedGlob string, seeds ...string) {
	names, _ := filepath.Glob(seedGlob)
	for _, n := range names {
		if b, err := os.ReadFile(n); err == nil {
			f.Add(string(b), "")
			f.Add(string(b), "/events")
		}
	}
	for _, s := range seeds {
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, src, path string) {
		noFiles := func(string) ([]byte, error) { return nil, os.ErrNotExist }
		r, err := Lint("conf", []byte(src), Options{Format: format, Path: path, ReadFile: noFiles})
		if err != nil {
			return
		}
		lines := strings.Count(src, "\n") + 1
		for _, fd := range r.Findings {
			if fd.Pos.File != "conf" || fd.Pos.Line < 1 || fd.Pos.Line > lines || fd.Pos.Column < 1 {
				t.Fatalf("finding %s at %s: outside the input (%d lines)", fd.ID, fd.Pos, lines)
			}
		}
		_ = r.Patch()
		if _, err := r.Apply("conf"); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzNginx(f *testing.F) {
	fuzzLint(f, Nginx, "testdata/clean/nginx-*",
		"http { server { location /events { proxy_pass http://a; } } }",
		"location /x { proxy_pass \"a\\\"b\"; proxy_buffering on; }",
		"a ${b}c { d '}' ; }",
		"x_by_lua_block { if a then b() end } y;")
}

func FuzzHAProxy(f *testing.F) {
	fuzzLint(f, HAProxy, "testdata/clean/haproxy-*",
		"defaults\n mode http\n timeout server 2s\nlisten a\n compression algo gzip\n",
		"frontend f\n acl e path_beg /ev\n use_backend b if e\nbackend b\n http-response cache-store c\n")
}

func FuzzApache(f *testing.F) {
	fuzzLint(f, Apache, "testdata/clean/apache-*",
		"<VirtualHost *:80>\n ProxyPass /s fcgi://a/ \\\n  timeout=2\n</VirtualHost>\n",
		"<Location /e>\nProxyPass http://a\nSetOutputFilter DEFLATE\n</Location>\n")
}

func FuzzCaddy(f *testing.F) {
	fuzzLint(f, Caddy, "testdata/clean/Caddyfile-*",
		"a {\n\tencode gzip\n\treverse_proxy /e* b {\n\t\ttransport http {\n\t\t\tread_timeout 1s\n\t\t}\n\t}\n}\n",
		"(s) {\n\tencode\n}\na {\n\timport s\n\treverse_proxy `x` \"y\\\"\"\n}\n")
}
