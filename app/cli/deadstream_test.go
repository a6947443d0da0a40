package cli

import (
	"strings"
	"testing"

	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// A stream that never delivers an event must not pass: compare exits with
// ExitFindings and names what arrived instead.
func TestCompareDeadStreamIsAnError(t *testing.T) {
	if testing.Short() {
		t.Skip("records for 1 s")
	}
	for _, c := range []struct {
		kind it.DeadKind
		want string
	}{
		{it.DeadNoHeaders, "never sent its response headers"},
		{it.DeadNoBlank, "no blank line"},
	} {
		t.Run(string(c.kind), func(t *testing.T) {
			origin := it.StartHandler(t, &it.DeadOrigin{Kind: c.kind, Cadence: it.Cadence{Count: 10}})
			code, out, errOut := run(t, "compare", "--duration", "1s", origin.URL+"/a", origin.URL+"/b")
			if code != ExitFindings || !strings.Contains(out, "[error] no-events") || !strings.Contains(out, c.want) ||
				strings.Contains(out, "No problems found") {
				t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
			}
		})
	}
}
