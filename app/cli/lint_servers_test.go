package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// Configurations under test are written as users write them, with
// placeholders for what each test run picks: __ADDR__ (host:port to listen
// on), __PORT__, __DIR__ (a writable directory), __UPSTREAM__ (the
// origin's base URL) and __UPSTREAM_HOST__ (its host:port).
var placeholders = strings.NewReplacer(
	"__ADDR__", "{{.Addr}}", "__PORT__", "{{.Port}}", "__DIR__", "{{.Dir}}",
	"__UPSTREAM_HOST__", "{{.UpstreamHost}}", "__UPSTREAM__", "{{.Upstream}}")

// asTemplate turns a configuration with placeholders into the text/template
// the inspectortest servers take.
func asTemplate(conf string) string { return placeholders.Replace(conf) }

// runIn runs the binary in dir with stdin, to completion.
func runIn(t *testing.T, dir string, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), guard)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("sseinspector %s did not exit", strings.Join(args, " "))
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

// writeFiles writes name → text into dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// lintAndPatch lints main in dir, checks that the finding want is named at
// the position wantPos (file:line:column), applies the patch lint prints
// with patch -p0 and checks that the patched files lint clean. It returns
// the patched text of main.
func lintAndPatch(t *testing.T, dir, main, want, wantPos string, lintArgs ...string) string {
	t.Helper()
	patchProg := it.Require(t, "patch", "patch")
	args := append([]string{"lint"}, lintArgs...)
	r := runIn(t, dir, "", append(args, main)...)
	if r.code != ExitFindings || !strings.Contains(r.stdout, wantPos+": warning ["+want+"]") {
		t.Fatalf("lint of the broken configuration: want %s: warning [%s]\n%v", wantPos, want, r)
	}
	p := runIn(t, dir, "", append(append(args, "--patch"), main)...)
	if p.code != ExitFindings || !strings.HasPrefix(p.stdout, "--- ") {
		t.Fatalf("lint --patch:\n%v", p)
	}
	cmd := exec.Command(patchProg, "-p0", "--batch", "--no-backup-if-mismatch")
	cmd.Dir, cmd.Stdin = dir, strings.NewReader(p.stdout)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("patch -p0: %v\n%s\npatch:\n%s", err, out, p.stdout)
	}
	after := runIn(t, dir, "", append(args, main)...)
	if after.code != ExitOK {
		t.Fatalf("lint of the patched configuration:\n%v\npatch:\n%s", after, p.stdout)
	}
	text, err := os.ReadFile(filepath.Join(dir, main))
	if err != nil {
		t.Fatal(err)
	}
	return string(text)
}

// compareThrough runs compare on the origin directly and through proxyURL
// and returns the result.
func compareThrough(t *testing.T, originURL, proxyURL, duration string) result {
	t.Helper()
	return runCLI(t, "compare", "--duration", duration, originURL+"/events", proxyURL+"/events")
}

// compareEvents runs compare on the origin directly and through proxyURL
// until both streams have received events events (within a minute) and
// returns the result.
func compareEvents(t *testing.T, originURL, proxyURL string, events int) result {
	t.Helper()
	return runCLI(t, "compare", "--events", strconv.Itoa(events), "--duration", "60s", originURL+"/events", proxyURL+"/events")
}

// wantFinding checks that compare exited with findings and named id.
func wantFinding(t *testing.T, r result, id string) {
	t.Helper()
	if r.code != ExitFindings || !strings.Contains(r.stdout, id) {
		t.Fatalf("compare through the broken configuration: want finding %s\n%v", id, r)
	}
}

// wantClean checks that compare found nothing worth a warning.
func wantClean(t *testing.T, r result, conf string) {
	t.Helper()
	if r.code != ExitOK {
		t.Fatalf("compare through the patched configuration: want exit 0\n%v\nconfiguration:\n%s", r, conf)
	}
}

func skipShort(t *testing.T) {
	if testing.Short() {
		t.Skip("real-server test: records for a few seconds")
	}
}

// readFile returns a file of dir as text.
func readFile(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
