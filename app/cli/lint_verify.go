package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"text/template"
	"time"

	"github.com/sseinspector/sseinspector/app/origin"
	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/diagnose"
	"github.com/sseinspector/sseinspector/inspector/lint"
)

// verifyFlags are lint's flags for proving a patch on the real server.
type verifyFlags struct {
	on       bool
	upstream string
	duration time.Duration
	server   string
}

// builtinStream is the built-in origin's stream verify uses without
// --upstream: 40 events/s of ~200 B, enough to fill nginx's 4 KiB
// buffers within a second.
const builtinStream = "/stamped?rate=40&size=200"

// verify proves the patch of an nginx result: the stream place reduced
// to its effective settings is run on the real nginx on loopback, as
// configured and patched, and compared with the origin each time. It
// returns 0 when the patched run has no warning, 3 when it has.
func verify(ctx context.Context, env *Env, r *lint.Result, vf verifyFlags) (int, error) {
	vc, err := r.VerifyConfigs()
	if err != nil {
		return ExitFailure, err
	}
	bin := vf.server
	if bin == "" {
		if bin, err = exec.LookPath("nginx"); err != nil {
			bin = "/usr/sbin/nginx"
		}
	}
	base, stream, stop, err := verifyUpstream(ctx, vf.upstream)
	if err != nil {
		return ExitFailure, err
	}
	defer stop()
	fmt.Fprintf(env.Stdout, "Verifying %s on %s, reduced to its stream settings, in front of %s%s:\n", vc.Scope, bin, base, stream)
	code := ExitOK
	for _, run := range []struct{ label, conf string }{{"as configured: ", vc.Before}, {"with the patch:", vc.After}} {
		rep, err := verifyRun(ctx, env, bin, run.conf, base, stream, vf.duration)
		if err != nil {
			return ExitFailure, err
		}
		fmt.Fprintf(env.Stdout, "  %s %s\n", run.label, findingList(rep))
		if run.conf == vc.After && rep.Problems {
			code = ExitFindings
		}
	}
	return code, nil
}

// verifyUpstream returns the origin's base URL and stream path: the
// --upstream URL's, or the built-in origin's, started on loopback.
func verifyUpstream(ctx context.Context, upstream string) (base, stream string, stop func(), err error) {
	if upstream != "" {
		u, err := inspector.CheckURL(upstream)
		if err != nil {
			return "", "", nil, fmt.Errorf("--upstream: %w", err)
		}
		stream = u.RequestURI()
		u.Path, u.RawQuery, u.RawPath = "", "", ""
		return u.String(), stream, func() {}, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", "", nil, fmt.Errorf("start the built-in origin: %w", err)
	}
	octx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = origin.Serve(octx, ln, origin.Options{}); close(done) }()
	return "http://" + ln.Addr().String(), builtinStream, func() { cancel(); <-done }, nil
}

// verifyRun starts nginx on conf, compares the stream through it with the
// origin for duration, stops nginx and returns the analysis.
func verifyRun(ctx context.Context, env *Env, bin, conf, base, stream string, duration time.Duration) (*diagnose.Report, error) {
	ngx, err := startVerifyNginx(bin, conf, base)
	if err != nil {
		return nil, err
	}
	defer ngx.stop()
	reqs := []inspector.Request{{URL: base + stream, Name: "direct"}, {URL: "http://" + ngx.addr + stream, Name: "proxied"}}
	sess := inspector.NewSession(inspector.Limits{})
	lanes, err := recordAll(ctx, env, sess, reqs, duration, 0)
	if err != nil {
		return nil, err
	}
	return diagnose.Analyze(sess.Snapshot(), diagnose.Options{Reference: lanes[0]}), nil
}

// findingList names a report's findings: "warning nginx-buffering,
// info no-heartbeat", or "no problems".
func findingList(r *diagnose.Report) string {
	var parts []string
	for _, f := range r.Findings {
		parts = append(parts, f.Severity.String()+" "+f.ID)
	}
	if !r.Problems {
		parts = append([]string{"no problems"}, parts...)
	}
	return strings.Join(parts, ", ")
}

// verifyNginx is an nginx started for a verify run.
type verifyNginx struct {
	addr string
	dir  string
	cmd  *exec.Cmd
	done chan error
}

// startVerifyNginx runs nginx in the foreground on a free loopback port,
// in a directory of its own, and waits until it accepts connections.
func startVerifyNginx(bin, conf, upstream string) (*verifyNginx, error) {
	dir, err := os.MkdirTemp("", "sseinspector-verify")
	if err != nil {
		return nil, err
	}
	n := &verifyNginx{dir: dir}
	if err := n.start(bin, conf, upstream); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return n, nil
}

func (n *verifyNginx) start(bin, conf, upstream string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	n.addr = ln.Addr().String()
	ln.Close()
	if err := os.MkdirAll(filepath.Join(n.dir, "tmp"), 0o755); err != nil {
		return err
	}
	tmpl, err := template.New("nginx.conf").Parse(conf)
	if err != nil {
		return fmt.Errorf("verify configuration: %w", err)
	}
	var text bytes.Buffer
	if err := tmpl.Execute(&text, map[string]string{"Dir": n.dir, "Addr": n.addr, "Upstream": upstream}); err != nil {
		return fmt.Errorf("verify configuration: %w", err)
	}
	path := filepath.Join(n.dir, "nginx.conf")
	if err := os.WriteFile(path, text.Bytes(), 0o644); err != nil {
		return err
	}
	errLog := filepath.Join(n.dir, "error.log")
	var out bytes.Buffer
	n.cmd = exec.Command(bin, "-p", n.dir, "-c", path, "-e", errLog)
	n.cmd.Stdout, n.cmd.Stderr = &out, &out
	if err := n.cmd.Start(); err != nil {
		return fmt.Errorf("run %s: %w", bin, err)
	}
	n.done = make(chan error, 1)
	go func() { n.done <- n.cmd.Wait() }()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		select {
		case err := <-n.done:
			log, _ := os.ReadFile(errLog)
			return fmt.Errorf("nginx exited (%v): %s%s", err, out.String(), log)
		default:
		}
		if c, err := net.DialTimeout("tcp", n.addr, 200*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			n.stop()
			return errors.New("nginx did not accept connections within 10 s")
		}
	}
}

// stop ends nginx, at once, and removes its directory.
func (n *verifyNginx) stop() {
	if n.cmd != nil && n.cmd.Process != nil {
		_ = n.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-n.done:
		case <-time.After(5 * time.Second):
			_ = n.cmd.Process.Kill()
			<-n.done
		}
		n.cmd = nil
	}
	os.RemoveAll(n.dir)
}
