package inspectortest

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template"
)

// ProxyConfig describes a reverse proxy to run in front of Upstream on a
// free 127.0.0.1 port. The zero value of each extra field keeps the
// server's defaults, which is what users meet first.
type ProxyConfig struct {
	// Upstream is the origin's base URL, e.g. "http://127.0.0.1:41234".
	Upstream string
	// Extra holds directives for the proxying scope: HAProxy's backend,
	// Apache's server config (before ProxyPass), the Caddy site block.
	Extra string
	// Front holds directives for HAProxy's frontend, or the options block
	// inside Caddy's reverse_proxy; Apache appends it to the ProxyPass line
	// as key=value parameters (e.g. "flushpackets=on").
	Front string
	// Global holds directives for HAProxy's defaults section, or Caddy's
	// global options block; Apache ignores it.
	Global string
	// Text, when set, replaces the whole generated configuration: a
	// text/template given {{.Dir}}, {{.Addr}} (host:port to listen on),
	// {{.Port}}, {{.Upstream}} (base URL) and {{.UpstreamHost}} (host:port).
	Text string
}

// Proxy is a real proxy server started for a test.
type Proxy struct {
	// Kind is "haproxy", "apache" or "caddy".
	Kind string
	// URL is the proxy's base URL, "http://127.0.0.1:PORT".
	URL string
	// Dir holds the configuration and logs.
	Dir string

	srv *server
}

// Config returns the configuration the proxy runs with.
func (p *Proxy) Config() string { return p.srv.config() }

// Log returns what the proxy logged so far.
func (p *Proxy) Log() string { return p.srv.output.String() + p.srv.log() }

// proxyKind knows how to configure and run one kind of server.
type proxyKind struct {
	kind, program, debPackage, confName, logName string
	template                                     *template.Template
	argv                                         func(program, dir, conf string) []string
	env                                          func(dir string) []string
}

var haproxyKind = proxyKind{
	kind: "haproxy", program: "haproxy", debPackage: "haproxy", confName: "haproxy.cfg",
	template: template.Must(template.New("haproxy.cfg").Parse(`global
    pidfile {{.Dir}}/haproxy.pid
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
{{.Global}}
frontend front
    bind {{.Addr}}
{{.Front}}
    default_backend origin
backend origin
{{.Extra}}
    server origin {{.UpstreamHost}}
`)),
	// -db keeps HAProxy in the foreground; -Ws would need systemd.
	argv: func(program, dir, conf string) []string { return []string{program, "-db", "-f", conf} },
}

var apacheKind = proxyKind{
	kind: "apache", program: "apache2", debPackage: "apache2", confName: "httpd.conf", logName: "error.log",
	template: template.Must(template.New("httpd.conf").Parse(`ServerRoot "{{.Dir}}"
ServerName 127.0.0.1
Listen {{.Addr}}
PidFile {{.Dir}}/httpd.pid
ErrorLog {{.Dir}}/error.log
LogLevel warn
DefaultRuntimeDir {{.Dir}}
Mutex file:{{.Dir}} default
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so
LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so
LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so
LoadModule filter_module /usr/lib/apache2/modules/mod_filter.so
LoadModule deflate_module /usr/lib/apache2/modules/mod_deflate.so
{{if .Root}}User www-data
Group www-data
{{end}}{{.Extra}}
ProxyPass "/" "{{.Upstream}}/" {{.Front}}
ProxyPassReverse "/" "{{.Upstream}}/"
`)),
	argv: func(program, dir, conf string) []string {
		return []string{program, "-d", dir, "-f", conf, "-DFOREGROUND"}
	},
	env: func(dir string) []string { return []string{"APACHE_RUN_DIR=" + dir, "APACHE_LOCK_DIR=" + dir} },
}

var caddyKind = proxyKind{
	kind: "caddy", program: "caddy", debPackage: "caddy", confName: "Caddyfile",
	template: template.Must(template.New("Caddyfile").Parse(`{
	admin off
	auto_https off
{{.Global}}
}
http://{{.Addr}} {
{{.Extra}}
	reverse_proxy {{.UpstreamHost}} {
{{.Front}}
	}
}
`)),
	argv: func(program, dir, conf string) []string {
		return []string{program, "run", "--adapter", "caddyfile", "--config", conf}
	},
	// Caddy keeps its state under $HOME/.local/share and $XDG_*: point them
	// at the test's directory so nothing is written elsewhere.
	env: func(dir string) []string {
		return []string{"HOME=" + dir, "XDG_DATA_HOME=" + dir, "XDG_CONFIG_HOME=" + dir}
	},
}

// StartHAProxy runs HAProxy in front of cfg.Upstream until the test ends.
// When HAProxy is not installed the test is skipped, or fails in CI.
func StartHAProxy(t testing.TB, cfg ProxyConfig) *Proxy { return startProxy(t, haproxyKind, cfg) }

// StartApache runs Apache httpd with mod_proxy in front of cfg.Upstream
// until the test ends. When Apache is not installed the test is skipped,
// or fails in CI.
func StartApache(t testing.TB, cfg ProxyConfig) *Proxy { return startProxy(t, apacheKind, cfg) }

// StartCaddy runs Caddy's reverse_proxy in front of cfg.Upstream until the
// test ends. When Caddy is not installed the test is skipped, or fails in
// CI.
func StartCaddy(t testing.TB, cfg ProxyConfig) *Proxy { return startProxy(t, caddyKind, cfg) }

func startProxy(t testing.TB, k proxyKind, cfg ProxyConfig) *Proxy {
	t.Helper()
	program := Require(t, k.program, k.debPackage)
	dir := t.TempDir()
	srv := retryStart(t, k.kind, func() (*server, error) { return k.start(program, dir, cfg) })
	return &Proxy{Kind: k.kind, URL: "http://" + srv.addr, Dir: dir, srv: srv}
}

func (k proxyKind) start(program, dir string, cfg ProxyConfig) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	up, err := url.Parse(cfg.Upstream)
	if err != nil || up.Host == "" {
		return nil, fmt.Errorf("%s: upstream %q is not a base URL", k.kind, cfg.Upstream)
	}
	tmpl := k.template
	if cfg.Text != "" {
		if tmpl, err = template.New(k.confName).Parse(cfg.Text); err != nil {
			return nil, fmt.Errorf("%s configuration template: %w", k.kind, err)
		}
	}
	_, port, _ := strings.Cut(addr, ":")
	var conf bytes.Buffer
	err = tmpl.Execute(&conf, map[string]any{"Dir": dir, "Addr": addr, "Port": port,
		"Upstream": strings.TrimSuffix(cfg.Upstream, "/"), "UpstreamHost": up.Host,
		"Extra": cfg.Extra, "Front": cfg.Front, "Global": cfg.Global, "Root": os.Geteuid() == 0})
	if err != nil {
		return nil, err
	}
	confPath, err := writeConfig(dir, k.confName, conf.Bytes())
	if err != nil {
		return nil, err
	}
	logPath := ""
	if k.logName != "" {
		logPath = filepath.Join(dir, k.logName)
	}
	var env []string
	if k.env != nil {
		env = k.env(dir)
	}
	return startServer(k.kind, dir, confPath, logPath, addr, k.argv(program, dir, confPath), env)
}
