package inspectortest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// server is a real server process started for a test: it listens on addr
// and logs to logPath.
type server struct {
	name    string // for messages: "nginx", "haproxy", ...
	addr    string
	dir     string
	conf    string // the configuration file's path
	logPath string
	cmd     *exec.Cmd
	output  *bytes.Buffer // stdout and stderr
	done    chan struct{} // closed when the process has exited
	exited  error         // its exit status, once done is closed
}

// startServer runs argv (whose program is already resolved) and waits until
// addr accepts connections. Most servers give no readiness signal in the
// foreground, so the port is polled until it accepts or the process dies.
func startServer(name, dir, conf, logPath, addr string, argv []string, env []string) (*server, error) {
	out := &bytes.Buffer{}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = append(os.Environ(), env...)
	// The server runs in a process group of its own, so that stopping it
	// reaches the workers it forks (Apache's keep the output pipe open),
	// and Wait gives up on the pipe shortly after the process is gone.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("run %s: %w", argv[0], err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	s := &server{name: name, addr: addr, dir: dir, conf: conf, logPath: logPath, cmd: cmd, output: out}
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case err := <-exited:
			return nil, fmt.Errorf("%s exited (%v): %s%s", name, err, out.String(), s.log())
		default:
		}
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			s.done = make(chan struct{})
			go func() { s.exited = <-exited; close(s.done) }()
			return s, nil
		}
		if time.Now().After(deadline) {
			s.signal(syscall.SIGKILL)
			<-exited
			return nil, fmt.Errorf("%s did not accept on %s within 10 s: %s%s", name, addr, out.String(), s.log())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// retryStart calls start up to three times: a free port is found by
// binding and releasing it, so another process can take it in between and
// the server then fails to bind.
func retryStart(t testing.TB, name string, start func() (*server, error)) *server {
	t.Helper()
	var lastErr error
	for range 3 {
		s, err := start()
		if err == nil {
			t.Cleanup(func() { s.stop(t) })
			return s
		}
		lastErr = err
	}
	t.Fatalf("start %s: %v", name, lastErr)
	return nil
}

// log returns the server's log file so far.
func (s *server) log() string {
	if s.logPath == "" {
		return ""
	}
	b, _ := os.ReadFile(s.logPath)
	return string(b)
}

// config returns the server's configuration file.
func (s *server) config() string {
	b, _ := os.ReadFile(s.conf)
	return string(b)
}

// stop asks the server to quit at once and waits for it, killing it if it
// lingers; a failed test gets the configuration and the log.
func (s *server) stop(t testing.TB) {
	s.signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		s.signal(syscall.SIGKILL)
		<-s.done
	}
	s.signal(syscall.SIGKILL) // workers that outlived their parent
	var ee *exec.ExitError
	if s.exited != nil && !errors.As(s.exited, &ee) {
		t.Logf("%s: %v", s.name, s.exited)
	}
	if t.Failed() {
		t.Logf("%s configuration:\n%s\n%s output:\n%s%s", s.name, s.config(), s.name, s.output.String(), s.log())
	}
}

// writeConfig writes a configuration file into dir.
func writeConfig(dir, name string, text []byte) (string, error) {
	p := filepath.Join(dir, name)
	return p, os.WriteFile(p, text, 0o644)
}

// signal sends sig to the server's whole process group.
func (s *server) signal(sig syscall.Signal) {
	_ = syscall.Kill(-s.cmd.Process.Pid, sig)
}
