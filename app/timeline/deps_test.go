package timeline_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Drawing and export must work without a display and without cgo: the
// timeline, its canvas backends and the export command may not depend on
// the UI toolkit, and must build with cgo disabled.
func TestDrawingDoesNotDependOnTheUI(t *testing.T) {
	pkgs := []string{"github.com/sseinspector/sseinspector/app/timeline", "github.com/sseinspector/sseinspector/app/plot", "github.com/sseinspector/sseinspector/app/cli"}
	cmd := exec.Command("go", append([]string{"list", "-deps", "-f", "{{.ImportPath}} {{if .Error}}ERROR {{.Error}}{{end}}"}, pkgs...)...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if strings.HasPrefix(line, "fyne.io/") || strings.HasPrefix(line, "github.com/sseinspector/sseinspector/app/widgets") || strings.HasPrefix(line, "github.com/sseinspector/sseinspector/app/gui") {
			t.Errorf("drawing depends on %s", line)
		}
		if strings.Contains(line, " ERROR ") {
			t.Errorf("does not build without cgo: %s", line)
		}
	}
}
