package cli

import (
	"path/filepath"
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
	// A server that never answers is judged after a second of waiting; a
	// stream of lines ends after its tenth, and compare with it, however
	// long they take to arrive.
	for _, c := range []struct {
		origin *it.DeadOrigin
		args   []string
		want   string
	}{
		{&it.DeadOrigin{Kind: it.DeadNoHeaders}, []string{"--duration", "1s"}, "never sent its response headers"},
		{&it.DeadOrigin{Kind: it.DeadNoBlank, Cadence: it.Cadence{Count: 10}, End: true},
			[]string{"--no-reconnect", "--duration", "60s"}, "no blank line"},
	} {
		t.Run(string(c.origin.Kind), func(t *testing.T) {
			origin := it.StartHandler(t, c.origin)
			code, out, errOut := run(t, append([]string{"compare"}, append(c.args, origin.URL+"/a", origin.URL+"/b")...)...)
			if code != ExitFindings || !strings.Contains(out, "[error] no-events") || !strings.Contains(out, c.want) ||
				strings.Contains(out, "No problems found") {
				t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
			}
		})
	}
}

// The bytes a dead stream sent survive a saved session: diagnose names
// them as compare did.
func TestDiagnoseSavedDeadStreamShowsWhatArrived(t *testing.T) {
	if testing.Short() {
		t.Skip("records for 1 s")
	}
	origin := it.StartHandler(t, &it.DeadOrigin{Kind: it.DeadJSONLines, Cadence: it.Cadence{Count: 10, Size: 50}, End: true})
	session := filepath.Join(t.TempDir(), "dead.ssei")
	if code, out, errOut := run(t, "compare", "--no-reconnect", "--duration", "60s", "-o", session, origin.URL+"/a", origin.URL+"/b"); code != ExitFindings {
		t.Fatalf("compare: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut := run(t, "diagnose", session)
	if code != ExitFindings || !strings.Contains(out, "without the data: prefix") || !strings.Contains(out, `first bytes "{\"seq\":1`) {
		t.Fatalf("diagnose: exit %d\n%s\n%s", code, out, errOut)
	}
}
