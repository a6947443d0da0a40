package diagnose_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/inspector"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// nginxSession is the nginx buffering case with send stamps on both lanes.
func nginxSession() *it.Session {
	s := it.NewSession()
	body := func(i int) string { return it.Event(itoa(i+1), s.Stamp(i, it.Ms(50*i+2), 150)) }
	d := s.Lane("direct").Connect(0, "").Respond(it.Ms(1))
	evs, sent := it.Stream(100, it.Ms(2), it.Ms(50), body)
	d.Flowing(evs, sent, it.Ms(1)).Close(sent[99]+it.Ms(2), inspector.CauseEOF)
	p := s.Lane("proxied").Connect(0, "")
	end := sent[99] + it.Ms(3)
	p.Paged(evs, sent, 4096, it.Ms(1), end, "Server: nginx/1.22.1")
	p.Close(end+it.Ms(1), inspector.CauseEOF)
	return s
}

func TestReportFiguresAndJSONShape(t *testing.T) {
	r := diagnose.Analyze(nginxSession().Snapshot(), diagnose.Options{})
	if r.Reference != "direct" || !r.Problems || len(r.LaneOrder) != 2 {
		t.Fatalf("reference %q problems %v order %v", r.Reference, r.Problems, r.LaneOrder)
	}
	d, p := r.Lanes["direct"], r.Lanes["proxied"]
	if d.Events != 100 || p.Events != 100 || d.Role != diagnose.RoleDirect || p.Role != diagnose.RoleProxied {
		t.Fatalf("direct %+v proxied %+v", d, p)
	}
	if d.TimeToHeaders.Ms() != 1 || p.TimeToHeaders.Ms() < 500 || p.Bursts.StepSize != 4096 {
		t.Fatalf("headers after %v and %v, step %d", *d.TimeToHeaders, *p.TimeToHeaders, p.Bursts.StepSize)
	}
	if p.Matching == nil || p.Matching.Method != diagnose.MatchByID || p.Matching.Matched != 100 {
		t.Fatalf("matching %+v", p.Matching)
	}
	if dd := r.Delay["direct"]; dd == nil || dd.Source != diagnose.DelayStamp || dd.P50.Ms() != 1 || dd.Count != 100 {
		t.Fatalf("direct delay %+v, want stamp p50 1 ms over 100", dd)
	}
	pd := r.Delay["proxied"]
	if pd == nil || pd.P50.Ms() < 100 || pd.Sources[diagnose.DelayReference].Count != 100 {
		t.Fatalf("proxied delay %+v", pd)
	}
	if got := r.Delays[p.ID]; len(got) != 100 || got[0].Source != diagnose.DelayStamp {
		t.Fatalf("proxied delays for drawing: %d from %v", len(got), got)
	}
	if len(r.Matches) != 100 || r.ReferenceID != d.ID {
		t.Fatalf("%d matches, reference %d", len(r.Matches), r.ReferenceID)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var shape map[string]any
	if err := json.Unmarshal(b, &shape); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"lanes", "delay", "findings", "problems", "laneOrder", "reference", "start", "durationMs"} {
		if _, ok := shape[k]; !ok {
			t.Errorf("JSON has no %q", k)
		}
	}
	f0 := shape["findings"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "severity", "title", "evidence", "fix", "confidence"} {
		if _, ok := f0[k]; !ok {
			t.Errorf("finding JSON has no %q", k)
		}
	}
	if f0["id"] != "nginx-buffering" || f0["severity"] != "warning" {
		t.Errorf("first finding %v %v", f0["id"], f0["severity"])
	}
	lane := shape["lanes"].(map[string]any)["proxied"].(map[string]any)
	for _, k := range []string{"timeToHeadersMs", "timeToFirstEventMs", "eventsPerSecond", "bursts", "events", "bytes"} {
		if _, ok := lane[k]; !ok {
			t.Errorf("lane JSON has no %q", k)
		}
	}
}

func TestReportTextGolden(t *testing.T) {
	r := diagnose.Analyze(nginxSession().Snapshot(), diagnose.Options{})
	var buf bytes.Buffer
	if err := r.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	golden(t, "report_nginx.txt", buf.Bytes())
}

func TestReportTextClean(t *testing.T) {
	s := it.NewSession()
	flowing(s, "direct", 20, 100, it.Ms(50))
	flowing(s, "proxied", 20, 100, it.Ms(50))
	r := diagnose.Analyze(s.Snapshot(), diagnose.Options{})
	var buf bytes.Buffer
	if err := r.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"No problems found.", "20 events", "headers after 1.0 ms", "matched by id: 20 matched, 0 lost"} {
		if !strings.Contains(out, want) {
			t.Errorf("clean report lacks %q:\n%s", want, out)
		}
	}
	if r.Problems || strings.Contains(out, "Findings") {
		t.Errorf("clean report shows findings:\n%s", out)
	}
}

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("output differs from %s (run with -update to accept):\n%s", path, got)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
