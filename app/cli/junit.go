package cli

import (
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/diagnose"
)

// The --junit report: the JUnit XML that CI systems (Jenkins, GitLab,
// GitHub Actions reporters, Azure Pipelines) read. Two suites: one test
// case per diagnosis rule checked, failing with each warning or error
// finding of that rule, and one per lane, failing when a warning or error
// finding names it. A failure's message is the finding's title, its body
// the evidence and the fix; info findings go to system-out.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Errors     int              `xml:"errors,attr"`
	Skipped    int              `xml:"skipped,attr"`
	Time       string           `xml:"time,attr"`
	Timestamp  string           `xml:"timestamp,attr"`
	Properties *junitProperties `xml:"properties,omitempty"`
	Cases      []junitCase      `xml:"testcase"`
}

type junitProperties struct {
	List []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string         `xml:"name,attr"`
	ClassName string         `xml:"classname,attr"`
	Time      string         `xml:"time,attr"`
	Failures  []junitFailure `xml:"failure,omitempty"`
	SystemOut string         `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

// junitReport builds the JUnit document of a report; rules are the rule
// IDs checked (all of them when empty).
func junitReport(name string, r *diagnose.Report, rules []string) *junitSuites {
	seconds := fmt.Sprintf("%.3f", r.Duration.D().Seconds())
	stamp := r.Start.UTC().Format("2006-01-02T15:04:05")
	props := &junitProperties{}
	if r.Reference != "" {
		props.List = append(props.List, junitProperty{"reference", r.Reference})
	}
	props.List = append(props.List, junitProperty{"reportSchemaVersion", strconv.Itoa(diagnose.ReportSchemaVersion)})

	ruleSuite := junitSuite{Name: "sseinspector.rules", Time: seconds, Timestamp: stamp, Properties: props}
	checked := rules
	if len(checked) == 0 {
		for _, rule := range diagnose.Rules() {
			checked = append(checked, rule.ID)
		}
	}
	for _, f := range r.Findings {
		if !slices.Contains(checked, f.ID) {
			checked = append(checked, f.ID)
		}
	}
	for _, id := range checked {
		c := junitCase{Name: id, ClassName: ruleSuite.Name, Time: "0"}
		for _, f := range r.Findings {
			if f.ID == id {
				c.add(f, "")
			}
		}
		ruleSuite.add(c)
	}

	laneSuite := junitSuite{Name: "sseinspector.lanes", Time: seconds, Timestamp: stamp}
	for _, key := range r.LaneOrder {
		l := r.Lanes[key]
		if l.Kind == inspector.LaneRequest {
			continue // a plain request (the side request naming a proxy) is no stream to judge
		}
		c := junitCase{Name: key, ClassName: laneSuite.Name, Time: seconds}
		c.SystemOut = laneSummary(r, key, l)
		for _, f := range r.Findings {
			if names(f, l.ID, comparedWith(r, f)) {
				c.add(f, f.ID+": ")
			}
		}
		laneSuite.add(c)
	}

	doc := &junitSuites{Name: name, Time: seconds, Suites: []junitSuite{ruleSuite, laneSuite}}
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
	}
	return doc
}

// names reports whether a finding is about a lane: the lanes it lists,
// except the reference when it is only there to compare with.
func names(f diagnose.Finding, lane, reference int) bool {
	if !slices.Contains(f.Lanes, lane) {
		return false
	}
	return lane != reference || len(f.Lanes) == 1
}

// comparedWith is the lane a finding's lane was compared with: the
// reference, or along a chain the hop before the finding's hop.
func comparedWith(r *diagnose.Report, f diagnose.Finding) int {
	if len(r.Hops) == 0 || len(f.Lanes) == 0 {
		return r.ReferenceID
	}
	for k := 1; k < len(r.Hops); k++ {
		hop, prev := r.Lanes[r.Hops[k].Lane], r.Lanes[r.Hops[k-1].Lane]
		if hop != nil && prev != nil && hop.ID == f.Lanes[0] {
			return prev.ID
		}
	}
	return r.ReferenceID
}

// add records a finding on a test case: a failure for a warning or worse,
// a line of system-out for an info note.
func (c *junitCase) add(f diagnose.Finding, prefix string) {
	if f.Severity < diagnose.SeverityWarning {
		c.SystemOut += fmt.Sprintf("note: %s%s\n", prefix, f.Title)
		return
	}
	var body strings.Builder
	for _, e := range f.Evidence {
		fmt.Fprintf(&body, "- %s\n", e)
	}
	if f.Fix != "" {
		fmt.Fprintf(&body, "Fix: %s\n", f.Fix)
	}
	c.Failures = append(c.Failures, junitFailure{Message: prefix + f.Title, Type: f.Severity.String(), Body: body.String()})
}

func (s *junitSuite) add(c junitCase) {
	s.Tests++
	if len(c.Failures) > 0 {
		s.Failures++
	}
	s.Cases = append(s.Cases, c)
}

// laneSummary is a lane's figures, for its test case's system-out.
func laneSummary(r *diagnose.Report, key string, l *diagnose.LaneReport) string {
	s := fmt.Sprintf("%s %s: %d events, %d bytes, %d connections\n", l.Role, l.URL, l.Events, l.Bytes, l.Connections)
	if d := r.Delay[key]; d != nil {
		s += fmt.Sprintf("delay (%s): p50 %.1f ms, p95 %.1f ms, max %.1f ms\n", d.Source, d.P50.Ms(), d.P95.Ms(), d.Max.Ms())
	}
	return s
}

// writeJUnit writes the document to path, replacing it.
func writeJUnit(path, name string, r *diagnose.Report, rules []string) error {
	var b strings.Builder
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(junitReport(name, r, rules)); err != nil {
		return fmt.Errorf("--junit: %w", err)
	}
	b.WriteString("\n")
	if err := writeFileAtomic(path, b.String()); err != nil {
		return fmt.Errorf("--junit: %w", err)
	}
	return nil
}

// writeFileAtomic writes through a temporary file in the same directory,
// so a CI step never reads half a report.
func writeFileAtomic(path, content string) error {
	dir := "."
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		dir = path[:i+1]
	}
	tmp, err := os.CreateTemp(dir, ".junit-*.xml")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if _, err := io.WriteString(tmp, content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
