package inspectortest

import (
	"os"
	"os/exec"
	"testing"
)

// InCI reports whether the tests run in continuous integration (CI=true),
// where every dependency must be present and no test may skip for want of
// one.
func InCI() bool { return os.Getenv("CI") == "true" }

// Require returns the path of the program name, looked up on PATH and then
// under /usr/sbin and /usr/bin (where Debian puts servers). When it is
// missing the test is skipped on a developer's machine and fails in CI,
// naming the Debian package to install (make test installs them all).
func Require(t testing.TB, name, debianPackage string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin/", "/usr/bin/", "/sbin/"} {
		if fi, err := os.Stat(dir + name); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return dir + name
		}
	}
	Missing(t, "%s is not installed (Debian package %s; make test installs it)", name, debianPackage)
	return ""
}

// Missing skips the test for a missing dependency, or fails it in CI.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if InCI() {
		t.Fatalf("CI=true: "+format, args...)
	}
	t.Skipf(format, args...)
}
