package proxytap

import (
	"os/exec"
	"strings"
	"testing"
)

// The tap must stay usable without a display: it may depend on inspector
// but never on the UI toolkit or the app's packages.
func TestTapDoesNotDependOnTheUI(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/sseinspector/sseinspector/proxytap").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "fyne.io/") || strings.HasPrefix(dep, "github.com/sseinspector/sseinspector/app") {
			t.Errorf("proxytap depends on %s", dep)
		}
	}
}
