package lint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sseinspector/sseinspector/inspector/diagnose"
)

// lintText lints one in-memory configuration whose includes come from files.
func lintText(t *testing.T, name, src string, files map[string]string, opts Options) *Result {
	t.Helper()
	opts.ReadFile = func(n string) ([]byte, error) {
		if s, ok := files[n]; ok {
			return []byte(s), nil
		}
		return nil, os.ErrNotExist
	}
	opts.Glob = func(pattern string) ([]string, error) {
		var out []string
		for n := range files {
			if ok, _ := filepath.Match(pattern, n); ok {
				out = append(out, n)
			}
		}
		return out, nil
	}
	r, err := Lint(name, []byte(src), opts)
	if err != nil {
		t.Fatalf("lint %s: %v", name, err)
	}
	return r
}

// TestCleanConfigsGiveNoWarning lints configurations written the way
// streaming setups are in the wild: none may warn, and each must have had
// a stream place to check.
func TestCleanConfigsGiveNoWarning(t *testing.T) {
	names, err := filepath.Glob("testdata/clean/*")
	if err != nil || len(names) < 12 {
		t.Fatalf("clean configurations: %v, %d files", err, len(names))
	}
	for _, name := range names {
		t.Run(filepath.Base(name), func(t *testing.T) {
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			r, err := Lint(name, src, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Streams) == 0 {
				t.Fatalf("%s (%s): no stream place found", name, r.Format)
			}
			for _, f := range r.Findings {
				if f.Severity >= diagnose.SeverityWarning {
					t.Errorf("%s: %s [%s] %s (%s)", f.Pos, f.Severity, f.ID, f.Title, f.Setting)
				}
			}
			if p := r.Patch(); p != "" {
				t.Errorf("patch for a clean configuration:\n%s", p)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      Format
	}{
		{"site.conf", "server {\n listen 80;\n location / { proxy_pass http://a; }\n}\n", Nginx},
		{"lb.cfg", "frontend f\n bind :80\n default_backend b\nbackend b\n server s 1.2.3.4:80\n", HAProxy},
		{"vhost.conf", "<VirtualHost *:80>\n ProxyPass / http://a/\n</VirtualHost>\n", Apache},
		{"site", "example.com {\n\treverse_proxy localhost:9000\n}\n", Caddy},
		{"Caddyfile", "anything", Caddy},
		{"empty.txt", "", ""},
	} {
		if got := Detect(tc.name, []byte(tc.src)); got != tc.want {
			t.Errorf("Detect(%s) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestLintRejectsBrokenSyntax(t *testing.T) {
	for _, tc := range []struct {
		format  Format
		src     string
		wantErr string
	}{
		{Nginx, "http {\n server {\n", "is not closed"},
		{Nginx, "location / { proxy_pass \"http://a; }", "unterminated"},
		{Nginx, "}", "unexpected"},
		{HAProxy, "  bind :80\n", "outside any section"},
		{HAProxy, "frontend f\n  bind \"x\n", "unterminated"},
		{Apache, "<VirtualHost *:80>\nProxyPass / http://a/\n", "is not closed"},
		{Apache, "</Location>\n", "closes"},
		{Caddy, "example.com {\n reverse_proxy a\n", "is not closed"},
		{Caddy, "}\n", "unexpected"},
	} {
		_, err := Lint("conf", []byte(tc.src), Options{Format: tc.format, ReadFile: func(string) ([]byte, error) { return nil, os.ErrNotExist }})
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s %q: error %v, want %q", tc.format, tc.src, err, tc.wantErr)
		}
	}
}

func TestUnknownFormatIsAnError(t *testing.T) {
	if _, err := Lint("x", []byte("x"), Options{Format: "iis"}); err == nil || !strings.Contains(err.Error(), "nginx, haproxy, apache, caddy") {
		t.Fatalf("error %v", err)
	}
	if _, err := Lint("notes.txt", []byte("hello\n"), Options{}); err == nil || !strings.Contains(err.Error(), "--format") {
		t.Fatalf("error %v", err)
	}
}
