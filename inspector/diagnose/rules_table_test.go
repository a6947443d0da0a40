package diagnose

import (
	"testing"

	"github.com/sseinspector/sseinspector/inspector"
)

func TestRuleTableHasUniqueIDsAndChecks(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range rules {
		if r.ID == "" || r.Cause == "" || r.check == nil || seen[r.ID] {
			t.Errorf("rule %q: empty field or listed twice", r.ID)
		}
		seen[r.ID] = true
	}
	if got := Rules(); len(got) != len(rules) {
		t.Errorf("Rules() lists %d rules, the table %d", len(got), len(rules))
	}
}

// TestEqualSeverityFollowsTheTable checks that findings of equal severity
// come out in the table's order, and more severe ones first.
func TestEqualSeverityFollowsTheTable(t *testing.T) {
	saved := rules
	t.Cleanup(func() { rules = saved })
	finding := func(id string, s Severity) func(*diag) []Finding {
		return func(*diag) []Finding { return []Finding{{ID: id, Severity: s}} }
	}
	rules = []*Rule{
		{ID: "b", check: finding("b", SeverityWarning)},
		{ID: "a", check: finding("a", SeverityInfo)},
		{ID: "c", check: finding("c", SeverityWarning)},
		{ID: "d", check: finding("d", SeverityError)},
	}
	got := Diagnose(&inspector.Snapshot{}, Options{})
	var ids string
	for _, f := range got {
		ids += f.ID
	}
	if ids != "dbca" {
		t.Errorf("findings in order %q, want \"dbca\"", ids)
	}
}
