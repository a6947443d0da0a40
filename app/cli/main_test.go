package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The commands are tested as users run them: the real binary, in its own
// process, against servers on loopback.

// binary is the sseinspector executable built once for all tests.
var binary string

// guard bounds every wait on a process or a signal; tests never expect to
// come near it.
const guard = 20 * time.Second

// binaryEnv names a prebuilt executable to test instead of building one:
// "make test-cli" runs the tests against the static command-line build.
const binaryEnv = "SSEINSPECTOR_BINARY"

func TestMain(m *testing.M) {
	if prebuilt := os.Getenv(binaryEnv); prebuilt != "" {
		if _, err := os.Stat(prebuilt); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", binaryEnv, err)
			os.Exit(1)
		}
		binary = prebuilt
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "sseinspector-cli-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "sseinspector")
	build := exec.Command("go", "build", "-o", binary, "github.com/sseinspector/sseinspector")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build sseinspector: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is how a run of the binary ended.
type result struct {
	code   int
	stdout string
	stderr string
}

// runCLI runs the binary to completion.
func runCLI(t *testing.T, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), guard)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("sseinspector %s did not exit\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), &stdout, &stderr)
	}
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("run sseinspector: %v", err)
	}
	return r
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

func TestHelpListsCommands(t *testing.T) {
	r := runCLI(t, "help")
	if r.code != ExitOK || !strings.Contains(r.stdout, "watch") || !strings.Contains(r.stdout, "origin") {
		t.Errorf("help: %v", r)
	}
}

func TestUnknownCommand(t *testing.T) {
	r := runCLI(t, "no-such-command")
	if r.code != ExitUsage || !strings.Contains(r.stderr, `unknown command "no-such-command"`) {
		t.Errorf("unknown command: %v", r)
	}
}
