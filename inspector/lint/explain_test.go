package lint

import (
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"
)

// TestExplainTiesOnlyTheLanesFindings explains the configuration of a
// chain's outermost hop: a buffering finding about the hop before it is
// another proxy's doing and gets no line of this configuration, and the
// configuration's warning is not taken as shown by it.
func TestExplainTiesOnlyTheLanesFindings(t *testing.T) {
	p50 := diagnose.Millis(2 * time.Millisecond)
	rep := &diagnose.Report{
		LaneOrder: []string{"origin", "hop 1", "hop 2"},
		Lanes: map[string]*diagnose.LaneReport{
			"origin": {ID: 1, Name: "origin"},
			"hop 1":  {ID: 2, Name: "hop 1", Matching: &diagnose.MatchReport{Matched: 80}},
			"hop 2":  {ID: 3, Name: "hop 2", Matching: &diagnose.MatchReport{Matched: 80}},
		},
		Delay: map[string]*diagnose.LaneDelay{"hop 2": {
			DelayStats: diagnose.DelayStats{Count: 80, P50: p50},
			Sources:    map[diagnose.DelaySource]diagnose.DelayStats{diagnose.DelayReference: {Count: 80, P50: p50}},
		}},
		Findings: []diagnose.Finding{{ID: "nginx-buffering", Severity: diagnose.SeverityWarning, Lanes: []int{2, 1}}},
		Hops:     []diagnose.HopReport{{Lane: "origin"}, {Lane: "hop 1"}, {Lane: "hop 2"}},
	}
	cfg := &Result{Findings: []Finding{{ID: "nginx-buffering", Severity: diagnose.SeverityWarning,
		Pos: Pos{File: "nginx.conf", Line: 8, Column: 5}, Setting: "proxy_buffering on (default)"}}}
	Explain(cfg, rep, "hop 2")
	for _, e := range rep.Findings[0].Evidence {
		if strings.HasPrefix(e, "config: ") {
			t.Errorf("hop 1's finding tied to hop 2's configuration: %q", e)
		}
	}
	if f := cfg.Findings[0]; f.Severity != diagnose.SeverityInfo || len(f.Evidence) == 0 || !strings.HasPrefix(f.Evidence[0], "downgraded: ") {
		t.Errorf("configuration finding %+v: want it downgraded, hop 2 delivering on time", f)
	}

	// The same finding about hop 2 is explained by its configuration.
	rep.Findings[0].Lanes = []int{3, 2}
	cfg.Findings[0].Severity, cfg.Findings[0].Evidence = diagnose.SeverityWarning, nil
	Explain(cfg, rep, "hop 2")
	if ev := rep.Findings[0].Evidence; len(ev) != 1 || ev[0] != "config: nginx.conf:8:5 proxy_buffering on (default)" {
		t.Errorf("hop 2's finding evidence %q", ev)
	}
	if f := cfg.Findings[0]; f.Severity != diagnose.SeverityWarning || !cfg.Problems {
		t.Errorf("configuration finding %+v, problems %v: want the warning kept, shown by the run", f, cfg.Problems)
	}
}
