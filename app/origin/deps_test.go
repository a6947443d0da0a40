package origin

import (
	"os/exec"
	"strings"
	"testing"
)

// The origin and the headless commands serving it run without a display.
func TestOriginDependsOnNoUI(t *testing.T) {
	for _, pkg := range []string{"sseinspector/app/origin", "sseinspector/app/cli"} {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Skipf("go list unavailable: %v", err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.HasPrefix(dep, "fyne.io/") {
				t.Errorf("%s depends on %s", pkg, dep)
			}
		}
	}
}
