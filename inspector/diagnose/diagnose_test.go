package diagnose_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/inspector"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// ids lists the finding IDs in order.
func ids(fs []diagnose.Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return out
}

// requireFinding returns the finding with the given ID or fails the test.
func requireFinding(t *testing.T, fs []diagnose.Finding, id string) diagnose.Finding {
	t.Helper()
	for _, f := range fs {
		if f.ID == id {
			return f
		}
	}
	t.Fatalf("no %s finding; got %v", id, describe(fs))
	return diagnose.Finding{}
}

// requireNone fails the test if any of the IDs was found.
func requireNone(t *testing.T, fs []diagnose.Finding, banned ...string) {
	t.Helper()
	for _, f := range fs {
		for _, id := range banned {
			if f.ID == id {
				t.Fatalf("unexpected %s finding: %s", id, describe([]diagnose.Finding{f}))
			}
		}
	}
}

// requireClean fails the test if any finding is a warning or worse.
func requireClean(t *testing.T, fs []diagnose.Finding) {
	t.Helper()
	for _, f := range fs {
		if f.Severity >= diagnose.SeverityWarning {
			t.Fatalf("want no problems, got %s", describe(fs))
		}
	}
}

func describe(fs []diagnose.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("\n  [" + f.Severity.String() + "] " + f.ID + ": " + f.Title)
		for _, e := range f.Evidence {
			b.WriteString("\n      - " + e)
		}
	}
	if b.Len() == 0 {
		return "none"
	}
	return b.String()
}

// requireEvidence fails unless some evidence line of f contains every part.
func requireEvidence(t *testing.T, f diagnose.Finding, parts ...string) {
	t.Helper()
	for _, e := range f.Evidence {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(e, p)
		}
		if ok {
			return
		}
	}
	t.Fatalf("%s: no evidence line with %q in%s", f.ID, parts, describe([]diagnose.Finding{f}))
}

// diagnose runs one rule (or all with no id) over the session.
func diagnoseRules(s *it.Session, rule ...string) []diagnose.Finding {
	return diagnose.Diagnose(s.Snapshot(), diagnose.Options{Rules: rule})
}

// flowing adds a lane that received n events of size bytes, one per read,
// every interval from start, and closed cleanly right after the last.
func flowing(s *it.Session, name string, n, size int, every time.Duration) *it.Lane {
	l := s.Lane(name).Connect(0, "").Respond(it.Ms(1))
	evs, sent := it.Stream(n, it.Ms(2), every, func(i int) string { return it.Numbered(i, size) })
	l.Flowing(evs, sent, it.Ms(1))
	l.Close(sent[n-1]+it.Ms(2), inspector.CauseEOF)
	return l
}

// paged adds a lane that saw the same stream as flowing behind a buffer of
// page bytes that also held the headers.
func paged(s *it.Session, name string, n, size int, every time.Duration, page int, extra ...string) *it.Lane {
	l := s.Lane(name).Connect(0, "")
	evs, sent := it.Stream(n, it.Ms(2), every, func(i int) string { return it.Numbered(i, size) })
	end := sent[n-1] + it.Ms(3)
	l.Paged(evs, sent, page, it.Ms(1), end, extra...)
	l.Close(end+it.Ms(1), inspector.CauseEOF)
	return l
}

func TestRulesRegistered(t *testing.T) {
	want := []string{"nginx-buffering", "proxy-buffering", "x-accel-buffering-ignored", "app-buffering", "buffering",
		"proxy-compression", "app-compression", "compression", "idle-timeout", "fixed-lifetime", "truncated-chunked",
		"no-heartbeat", "http-status", "content-type", "cache-control", "cached-stream", "unframed-body",
		"last-event-id-ignored", "connection-limit", "event-delay", "lost-events", "connect-failed", "no-events"}
	have := map[string]string{}
	for _, r := range diagnose.Rules() {
		have[r.ID] = r.Cause
	}
	for _, id := range want {
		if have[id] == "" {
			t.Errorf("rule %s missing or without a cause", id)
		}
	}
}

func TestCleanPairHasNoFindings(t *testing.T) {
	s := it.NewSession()
	flowing(s, "direct", 60, 200, it.Ms(50))
	flowing(s, "proxied", 60, 200, it.Ms(50))
	fs := diagnoseRules(s)
	if len(fs) != 0 {
		t.Fatalf("want no findings on a clean pair, got %s", describe(fs))
	}
}
