package diagnose

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Severity ranks a finding.
type Severity int

// Severities, in increasing order.
const (
	SeverityInfo Severity = iota
	SeverityWarning
	SeverityError
)

var severityNames = [...]string{"info", "warning", "error"}

// String names the severity: "info", "warning" or "error".
func (s Severity) String() string {
	if s >= 0 && int(s) < len(severityNames) {
		return severityNames[s]
	}
	return "unknown"
}

// MarshalJSON writes the severity's name.
func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON reads a severity's name; an unknown name is an error,
// not silently the lowest severity.
func (s *Severity) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return fmt.Errorf("severity: %w", err)
	}
	for i, n := range severityNames {
		if n == name {
			*s = Severity(i)
			return nil
		}
	}
	return fmt.Errorf("severity %q: want one of %s", name, strings.Join(severityNames[:], ", "))
}

// EventRef points at one event of a lane.
type EventRef struct {
	Lane int   `json:"lane"`
	Seq  int64 `json:"seq"`
}

// Finding is one diagnosis: a named cause with its confidence, the evidence
// that supports it and the fix.
type Finding struct {
	ID         string     `json:"id"`
	Severity   Severity   `json:"severity"`
	Title      string     `json:"title"`
	Confidence float64    `json:"confidence"`
	Evidence   []string   `json:"evidence"`
	Fix        string     `json:"fix"`
	Lanes      []int      `json:"lanes,omitempty"`
	Events     []EventRef `json:"events,omitempty"`
}
