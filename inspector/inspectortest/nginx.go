package inspectortest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template"
)

// NginxPath is where Debian's nginx package installs the server.
const NginxPath = "/usr/sbin/nginx"

// NginxConfig describes the nginx to run: a reverse proxy on a free
// 127.0.0.1 port whose single location passes everything to Upstream.
type NginxConfig struct {
	// Upstream is the origin's base URL, e.g. "http://127.0.0.1:41234".
	Upstream string
	// Location holds extra directives for the proxying location, such as
	// "proxy_buffering off;". Empty keeps nginx's defaults, which are what
	// the field reports are about: buffering on, HTTP/1.0 upstream.
	Location string
	// HTTP holds extra directives for the http block, such as gzip settings.
	HTTP string
	// Server holds extra directives for the server block.
	Server string
	// Text, when set, replaces the whole generated configuration: a
	// text/template given {{.Dir}} (the prefix, for pid, logs and temp
	// paths), {{.Addr}} (host:port to listen on) and {{.Upstream}}. It lets
	// a test run a configuration written as a user would, such as a patched
	// copy of one under test.
	Text string
}

// Nginx is a running nginx.
type Nginx struct {
	// URL is the proxy's base URL, "http://127.0.0.1:PORT".
	URL string
	// Dir is the prefix holding the configuration, logs and temp files.
	Dir string

	srv *server
}

var nginxConf = template.Must(template.New("nginx.conf").Parse(`daemon off;
master_process off;
worker_processes 1;
pid {{.Dir}}/nginx.pid;
error_log {{.Dir}}/error.log info;
events { worker_connections 64; }
http {
    access_log {{.Dir}}/access.log;
    client_body_temp_path {{.Dir}}/tmp/body;
    proxy_temp_path {{.Dir}}/tmp/proxy;
    fastcgi_temp_path {{.Dir}}/tmp/fastcgi;
    uwsgi_temp_path {{.Dir}}/tmp/uwsgi;
    scgi_temp_path {{.Dir}}/tmp/scgi;
    default_type application/octet-stream;
{{.HTTP}}
    server {
        listen {{.Addr}};
{{.Server}}
        location / {
            proxy_pass {{.Upstream}};
{{.Location}}
        }
    }
}
`))

// StartNginx runs nginx with the given configuration until the test ends.
// When nginx is not installed the test is skipped, or fails in CI.
func StartNginx(t testing.TB, cfg NginxConfig) *Nginx {
	t.Helper()
	if _, err := os.Stat(NginxPath); err != nil {
		Missing(t, "nginx not installed at %s (Debian package nginx): %v", NginxPath, err)
	}
	dir := t.TempDir()
	srv := retryStart(t, "nginx", func() (*server, error) { return startNginx(dir, cfg) })
	return &Nginx{URL: "http://" + srv.addr, Dir: dir, srv: srv}
}

func startNginx(dir string, cfg NginxConfig) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		return nil, err
	}
	tmpl := nginxConf
	if cfg.Text != "" {
		if tmpl, err = template.New("nginx.conf").Parse(cfg.Text); err != nil {
			return nil, fmt.Errorf("nginx configuration template: %w", err)
		}
	}
	var conf bytes.Buffer
	err = tmpl.Execute(&conf, map[string]string{"Dir": dir, "Addr": addr, "Upstream": cfg.Upstream,
		"Location": indent(cfg.Location, "            "), "HTTP": indent(cfg.HTTP, "    "), "Server": indent(cfg.Server, "        ")})
	if err != nil {
		return nil, err
	}
	confPath, err := writeConfig(dir, "nginx.conf", conf.Bytes())
	if err != nil {
		return nil, err
	}
	errLog := filepath.Join(dir, "error.log")
	// -e keeps nginx from opening its compiled-in error log before it reads
	// the configuration.
	return startServer("nginx", dir, confPath, errLog, addr, []string{NginxPath, "-p", dir, "-c", confPath, "-e", errLog}, nil)
}

// ErrorLog returns nginx's error log so far, for failure messages.
func (n *Nginx) ErrorLog() string { return n.srv.log() }

// Config returns the generated configuration.
func (n *Nginx) Config() string { return n.srv.config() }

// freeAddr returns a 127.0.0.1 address with a port nothing listens on.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func indent(s, prefix string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = prefix + strings.TrimSpace(l)
	}
	return strings.Join(lines, "\n")
}
