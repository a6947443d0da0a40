package cli

import (
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/diagnose"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// parsedJUnit is the JUnit document as a CI system reads it back.
type parsedJUnit struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Props    []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
		Cases []struct {
			Name      string `xml:"name,attr"`
			ClassName string `xml:"classname,attr"`
			Failures  []struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Body    string `xml:",chardata"`
			} `xml:"failure"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// readJUnit parses the file back and checks it against testdata/junit.xsd.
func readJUnit(t *testing.T, path string) parsedJUnit {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc parsedJUnit
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("parse %s: %v\n%s", path, err, b)
	}
	validateJUnit(t, path)
	return doc
}

// validateJUnit checks a file against the JUnit schema CI systems read.
func validateJUnit(t *testing.T, path string) {
	t.Helper()
	xmllint := it.Require(t, "xmllint", "libxml2-utils")
	out, err := exec.Command(xmllint, "--noout", "--schema", "testdata/junit.xsd", path).CombinedOutput()
	if err != nil {
		b, _ := os.ReadFile(path)
		t.Fatalf("%s does not validate against the JUnit schema: %v\n%s\n%s", path, err, out, b)
	}
}

func TestDiagnoseJUnitNamesTheFailingRuleAndLane(t *testing.T) {
	path := saveSession(t, pairSession(100, 4096))
	report := filepath.Join(t.TempDir(), "junit.xml")
	if code, _, errOut := run(t, "diagnose", "--junit", report, path); code != ExitFindings {
		t.Fatalf("exit %d, want %d; stderr %s", code, ExitFindings, errOut)
	}
	doc := readJUnit(t, report)
	if len(doc.Suites) != 2 || doc.Suites[0].Name != "sseinspector.rules" || doc.Suites[1].Name != "sseinspector.lanes" {
		t.Fatalf("suites: %+v", doc.Suites)
	}
	rules, lanes := doc.Suites[0], doc.Suites[1]
	if len(rules.Cases) != len(diagnose.Rules()) || rules.Tests != len(rules.Cases) {
		t.Errorf("want one test case per rule (%d), got %d (tests=%d)", len(diagnose.Rules()), len(rules.Cases), rules.Tests)
	}
	failed := map[string]string{}
	for _, c := range rules.Cases {
		if c.ClassName != "sseinspector.rules" {
			t.Errorf("case %s: classname %q", c.Name, c.ClassName)
		}
		for _, f := range c.Failures {
			failed[c.Name] = f.Message
			if f.Type != "warning" && f.Type != "error" || !strings.Contains(f.Body, "Fix: ") || !strings.Contains(f.Body, "- ") {
				t.Errorf("failure of %s lacks its severity, evidence or fix: %+v", c.Name, f)
			}
		}
	}
	if !strings.Contains(failed["nginx-buffering"], "nginx") {
		t.Errorf("nginx-buffering does not fail with its title: %v", failed)
	}
	if rules.Failures != len(failed) || doc.Failures != rules.Failures+lanes.Failures || doc.Tests != rules.Tests+lanes.Tests {
		t.Errorf("counts disagree: doc %d/%d, rules %d/%d, lanes %d/%d, failing rules %d",
			doc.Failures, doc.Tests, rules.Failures, rules.Tests, lanes.Failures, lanes.Tests, len(failed))
	}
	laneFailed := map[string]bool{}
	for _, c := range lanes.Cases {
		laneFailed[c.Name] = len(c.Failures) > 0
		if !strings.Contains(c.SystemOut, "events") {
			t.Errorf("lane %s: no figures in system-out: %q", c.Name, c.SystemOut)
		}
	}
	if len(lanes.Cases) != 2 || !laneFailed["proxied"] || laneFailed["direct"] {
		t.Errorf("want the proxied lane failing and the direct one passing: %v", laneFailed)
	}
	if len(rules.Props) == 0 {
		t.Error("no properties: want the reference lane and the report schema version")
	}
}

func TestDiagnoseJUnitClean(t *testing.T) {
	path := saveSession(t, pairSession(40, 0))
	report := filepath.Join(t.TempDir(), "junit.xml")
	if code, _, errOut := run(t, "diagnose", "--junit", report, path); code != ExitOK {
		t.Fatalf("exit %d; stderr %s", code, errOut)
	}
	doc := readJUnit(t, report)
	if doc.Failures != 0 || doc.Tests != len(diagnose.Rules())+2 {
		t.Errorf("clean session: %d failures of %d tests", doc.Failures, doc.Tests)
	}
}

// The schema check has teeth: a test case without its classname, which
// Jenkins needs, is refused.
func TestJUnitSchemaRefusesAMalformedReport(t *testing.T) {
	xmllint := it.Require(t, "xmllint", "libxml2-utils")
	bad := filepath.Join(t.TempDir(), "bad.xml")
	doc := `<?xml version="1.0"?><testsuites><testsuite name="s" tests="1"><testcase name="x"/></testsuite></testsuites>`
	if err := os.WriteFile(bad, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(xmllint, "--noout", "--schema", "testdata/junit.xsd", bad).CombinedOutput(); err == nil {
		t.Errorf("a testcase without classname validated:\n%s", out)
	}
}

func TestCompareJUnit(t *testing.T) {
	origin := compareOrigin(t)
	proxy := bufferingProxy(t, origin.URL)
	report := filepath.Join(t.TempDir(), "junit.xml")
	r := runCLI(t, "compare", "--events", "60", "--duration", "60s", "--junit", report, origin.URL, proxy.URL)
	if r.code != ExitFindings {
		t.Fatalf("want findings: %v", r)
	}
	doc := readJUnit(t, report)
	if doc.Failures == 0 || len(doc.Suites) != 2 || len(doc.Suites[1].Cases) != 2 {
		t.Errorf("compare through a buffering proxy: %+v", doc)
	}
}

func TestJUnitUnwritable(t *testing.T) {
	path := saveSession(t, pairSession(10, 0))
	report := filepath.Join(t.TempDir(), "no-such-dir", "junit.xml")
	code, _, errOut := run(t, "diagnose", "--junit", report, path)
	if code != ExitFailure || !strings.Contains(errOut, "--junit") {
		t.Errorf("exit %d, stderr %q: want exit 1 naming --junit", code, errOut)
	}
}

// TestJUnitChainFailsTheHopAtFault diagnoses a chain whose second hop
// buffers: its finding names the first hop too, as the hop it was compared
// with, and only the second hop's test case fails.
func TestJUnitChainFailsTheHopAtFault(t *testing.T) {
	s := it.NewSession()
	body := func(i int) string { return it.Event(fmt.Sprint(i+1), s.Stamp(i, it.Ms(50*i+2), 150)) }
	evs, sent := it.Stream(100, it.Ms(2), it.Ms(50), body)
	end := sent[len(sent)-1] + it.Ms(3)
	var ids []int
	for _, name := range []string{"origin", "lb"} {
		l := s.Lane(name).Connect(0, "").Respond(it.Ms(1))
		l.Flowing(evs, sent, it.Ms(1)).Close(end, inspector.CauseEOF)
		ids = append(ids, l.ID())
	}
	edge := s.Lane("edge").Connect(0, "")
	edge.Paged(evs, sent, 4096, it.Ms(1), end, "Server: nginx/1.22.1")
	edge.Close(end+it.Ms(1), inspector.CauseEOF)
	ids = append(ids, edge.ID())

	r := diagnose.Analyze(s.Snapshot(), diagnose.Options{Chain: ids})
	failed := map[string]bool{}
	for _, c := range junitReport("chain", r, nil).Suites[1].Cases {
		failed[c.Name] = len(c.Failures) > 0
	}
	if len(failed) != 3 || !failed["edge"] || failed["lb"] || failed["origin"] {
		t.Errorf("lane cases failing: %v; want edge only", failed)
	}
}
