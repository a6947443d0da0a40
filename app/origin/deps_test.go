package origin

import (
	"os/exec"
	"strings"
	"testing"
)

// The origin runs without a display, in the CLI and in tests.
func TestOriginDependsOnNoUI(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/sseinspector/sseinspector/app/origin").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "fyne.io/") {
			t.Errorf("origin depends on %s", dep)
		}
	}
}
