package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestCLIBuildIsStatic builds the command-line binary as "make cli" does
// (CGO_ENABLED=0) and checks that it is a static executable, so it starts
// on a minimal server, in a CI container or a distroless image, and that
// the desktop commands explain in one line that they need the other build.
func TestCLIBuildIsStatic(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("checks an ELF executable")
	}
	bin := filepath.Join(t.TempDir(), "sseinspector-cli")
	build := exec.Command("go", "build", "-trimpath", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, out)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatalf("read the binary: %v", err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary names a dynamic loader (PT_INTERP): it is not static")
		}
	}
	if libs, err := f.ImportedLibraries(); err != nil {
		t.Errorf("read the dynamic section: %v", err)
	} else if len(libs) > 0 {
		t.Errorf("the binary needs shared libraries: %v", libs)
	}

	for _, args := range [][]string{nil, {"demo"}, {"open", "x.sseinspector"}} {
		out, err := exec.Command(bin, args...).CombinedOutput()
		exit, ok := err.(*exec.ExitError)
		if !ok || exit.ExitCode() != 2 {
			t.Errorf("sseinspector-cli %v: want exit status 2, got %v", args, err)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) != 1 || !strings.Contains(lines[0], "needs the desktop build") {
			t.Errorf("sseinspector-cli %v: want one line saying it needs the desktop build, got:\n%s", args, out)
		}
	}
	out, err := exec.Command(bin, "help").Output()
	if err != nil {
		t.Fatalf("sseinspector-cli help: %v", err)
	}
	if !strings.Contains(string(out), "command-line build") || strings.Contains(string(out), "opens the desktop inspector") {
		t.Errorf("sseinspector-cli help offers the desktop inspector:\n%s", out)
	}
	for _, cmd := range []string{"watch", "compare", "diagnose", "tap", "ca", "origin", "export", "probe"} {
		if !strings.Contains(string(out), "\n  "+cmd+" ") {
			t.Errorf("sseinspector-cli help does not list %q:\n%s", cmd, out)
		}
	}
}
