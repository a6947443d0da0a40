package inspector

import (
	"os/exec"
	"strings"
	"testing"
)

// The flow model sits below everything: the UI, the CLI and the tap build
// on it, never the other way round.
func TestInspectorDependsOnNoShell(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/sseinspector/sseinspector/inspector").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "fyne.io/") || strings.HasPrefix(dep, "github.com/sseinspector/sseinspector/") && dep != "github.com/sseinspector/sseinspector/inspector" {
			t.Errorf("inspector depends on %s", dep)
		}
	}
}
