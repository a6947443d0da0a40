package cli

import (
	"os/exec"
	"strings"
	"testing"
)

// Every command runs without a display: the package imports no UI toolkit.
func TestCLIDependsOnNoUI(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/sseinspector/sseinspector/app/cli").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "fyne.io/") {
			t.Errorf("cli depends on %s", dep)
		}
	}
}
