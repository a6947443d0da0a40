package lint_test

import (
	"fmt"

	"github.com/sseinspector/sseinspector/inspector/lint"
)

func ExampleLint() {
	conf := `http {
    server {
        listen 80;
        location /events {
            proxy_pass http://127.0.0.1:3000;
        }
    }
}
`
	r, err := lint.Lint("nginx.conf", []byte(conf), lint.Options{Path: "/events"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range r.Findings {
		fmt.Printf("%s: %s [%s] %s\n", f.Pos, f.Severity, f.ID, f.Setting)
	}
	fmt.Print(r.Patch())
	// Output:
	// nginx.conf:4:9: warning [nginx-buffering] location /events has no proxy_buffering off and inherits proxy_http_version 1.0 (default)
	// nginx.conf:4:9: info [idle-timeout] location /events has proxy_read_timeout 60s (default)
	// --- nginx.conf
	// +++ nginx.conf
	// @@ -2,6 +2,7 @@
	//      server {
	//          listen 80;
	//          location /events {
	// +            proxy_buffering off;
	//              proxy_pass http://127.0.0.1:3000;
	//          }
	//      }
}
