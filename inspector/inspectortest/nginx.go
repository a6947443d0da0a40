package inspectortest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"text/template"
	"time"
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
}

// Nginx is a running nginx.
type Nginx struct {
	// URL is the proxy's base URL, "http://127.0.0.1:PORT".
	URL string
	// Dir is the prefix holding the configuration, logs and temp files.
	Dir string

	cmd    *exec.Cmd
	done   chan struct{} // closed when the process has exited
	exited error         // its exit status, once done is closed
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
	// The free port is found by binding and releasing it, so another
	// process can take it in between; nginx then fails to bind and the
	// start is retried on a new port.
	var lastErr error
	for range 3 {
		n, err := startNginx(dir, cfg)
		if err == nil {
			t.Cleanup(func() { n.stop(t) })
			return n
		}
		lastErr = err
	}
	t.Fatalf("start nginx: %v", lastErr)
	return nil
}

func startNginx(dir string, cfg NginxConfig) (*Nginx, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		return nil, err
	}
	var conf bytes.Buffer
	err = nginxConf.Execute(&conf, map[string]string{"Dir": dir, "Addr": addr, "Upstream": cfg.Upstream,
		"Location": indent(cfg.Location, "            "), "HTTP": indent(cfg.HTTP, "    ")})
	if err != nil {
		return nil, err
	}
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, conf.Bytes(), 0o644); err != nil {
		return nil, err
	}
	var stderr bytes.Buffer
	// -e keeps nginx from opening its compiled-in error log before it reads
	// the configuration.
	cmd := exec.Command(NginxPath, "-p", dir, "-c", confPath, "-e", filepath.Join(dir, "error.log"))
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("run %s: %w", NginxPath, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	n := &Nginx{URL: "http://" + addr, Dir: dir, cmd: cmd}
	// nginx gives no readiness signal in the foreground, so its port is
	// polled until it accepts or the process dies.
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case err := <-exited:
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			return nil, fmt.Errorf("nginx exited (%v): %s%s", err, stderr.String(), log)
		default:
		}
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			n.done = make(chan struct{})
			go func() { n.exited = <-exited; close(n.done) }()
			return n, nil
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			return nil, fmt.Errorf("nginx did not accept on %s within 10 s", addr)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ErrorLog returns nginx's error log so far, for failure messages.
func (n *Nginx) ErrorLog() string {
	b, _ := os.ReadFile(filepath.Join(n.Dir, "error.log"))
	return string(b)
}

// Config returns the generated configuration.
func (n *Nginx) Config() string {
	b, _ := os.ReadFile(filepath.Join(n.Dir, "nginx.conf"))
	return string(b)
}

// stop asks nginx to quit at once and waits for it, killing it if it
// lingers; a failed test gets the error log.
func (n *Nginx) stop(t testing.TB) {
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.done:
	case <-time.After(5 * time.Second):
		_ = n.cmd.Process.Kill()
		<-n.done
	}
	var ee *exec.ExitError
	if n.exited != nil && !errors.As(n.exited, &ee) {
		t.Logf("nginx: %v", n.exited)
	}
	if t.Failed() {
		t.Logf("nginx configuration:\n%s\nnginx error log:\n%s", n.Config(), n.ErrorLog())
	}
}

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
