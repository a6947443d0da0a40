package lint

import (
	"strings"
	"testing"
)

func TestVerifyConfigsReduceTheStreamPlace(t *testing.T) {
	files := map[string]string{
		"/etc/nginx/nginx.conf": "user www-data;\nevents {}\nhttp {\n    ssl_certificate /etc/ssl/x.pem;\n    gzip on;\n" +
			"    gzip_types text/event-stream;\n    include /etc/nginx/sites/*;\n}\n",
		"/etc/nginx/sites/app": "upstream app { server app.internal:3000; }\nserver {\n    listen 443 ssl;\n" +
			"    location /events {\n        proxy_pass http://app;\n        proxy_set_header X-Name \"a b\";\n    }\n}\n",
	}
	r := lintText(t, "/etc/nginx/nginx.conf", files["/etc/nginx/nginx.conf"], files, Options{Format: Nginx, Path: "/events"})
	vc, err := r.VerifyConfigs()
	if err != nil {
		t.Fatal(err)
	}
	if vc.Scope != "location /events" {
		t.Errorf("scope %q", vc.Scope)
	}
	for _, want := range []string{"listen {{.Addr}};", "proxy_pass {{.Upstream}};", "gzip on;", "gzip_types text/event-stream;",
		`proxy_set_header X-Name "a b";`} {
		if !strings.Contains(vc.Before, want) {
			t.Errorf("before lacks %q:\n%s", want, vc.Before)
		}
	}
	for _, gone := range []string{"ssl", "www-data", "app.internal", "upstream"} {
		if strings.Contains(vc.Before, gone) {
			t.Errorf("before keeps %q:\n%s", gone, vc.Before)
		}
	}
	for _, want := range []string{"proxy_buffering off;", "gzip off;"} {
		if !strings.Contains(vc.After, want) || strings.Contains(vc.Before, want) {
			t.Errorf("%q: before\n%s\nafter\n%s", want, vc.Before, vc.After)
		}
	}

	h := lintText(t, "haproxy.cfg", "listen a\n    mode http\n    server s 127.0.0.1:9\n", nil, Options{Format: HAProxy})
	if _, err := h.VerifyConfigs(); err == nil || !strings.Contains(err.Error(), "only nginx") {
		t.Fatalf("HAProxy: %v", err)
	}
}
