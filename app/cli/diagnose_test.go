package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// run runs a command line and returns its exit code, stdout and stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(context.Background(), &Env{Stdout: &out, Stderr: &errOut}, args)
	return code, out.String(), errOut.String()
}

// saveSession writes a synthetic session to a temp file.
func saveSession(t *testing.T, s *it.Session) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "session.ssei")
	if err := inspector.SaveSession(path, s.Snapshot(), inspector.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	return path
}

// pairSession is a direct lane and a proxied lane of n events every 50 ms;
// with page > 0 the proxied lane sees them behind a buffer of that size.
func pairSession(n, page int) *it.Session {
	s := it.NewSession()
	body := func(i int) string { return it.Event(fmt.Sprint(i+1), s.Stamp(i, it.Ms(50*i+2), 150)) }
	evs, sent := it.Stream(n, it.Ms(2), it.Ms(50), body)
	end := sent[n-1] + it.Ms(3)
	d := s.Lane("direct").Connect(0, "").Respond(it.Ms(1))
	d.Flowing(evs, sent, it.Ms(1)).Close(end, inspector.CauseEOF)
	p := s.Lane("proxied").Connect(0, "")
	if page > 0 {
		p.Paged(evs, sent, page, it.Ms(1), end, "Server: nginx/1.22.1")
	} else {
		p.Respond(it.Ms(1), "Server: nginx/1.22.1").Flowing(evs, sent, it.Ms(2))
	}
	p.Close(end+it.Ms(1), inspector.CauseEOF)
	return s
}

func TestDiagnoseNamesTheCause(t *testing.T) {
	path := saveSession(t, pairSession(100, 4096))
	code, out, errOut := run(t, "diagnose", path)
	if code != ExitFindings {
		t.Fatalf("exit %d, want %d; stderr %s", code, ExitFindings, errOut)
	}
	for _, want := range []string{"[warning] nginx-buffering", "proxy_buffering off;", "Delay per event", "steps of 4096 B"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestDiagnoseClean(t *testing.T) {
	path := saveSession(t, pairSession(40, 0))
	code, out, _ := run(t, "diagnose", path)
	if code != ExitOK || !strings.Contains(out, "No problems found.") || !strings.Contains(out, "p50 2.0 ms") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestDiagnoseJSON(t *testing.T) {
	path := saveSession(t, pairSession(100, 4096))
	code, out, _ := run(t, "diagnose", "--json", path)
	if code != ExitFindings {
		t.Fatalf("exit %d", code)
	}
	var r struct {
		Lanes map[string]struct{ Events int64 } `json:"lanes"`
		Delay map[string]struct {
			P50 float64 `json:"p50Ms"`
		} `json:"delay"`
		Findings []struct {
			ID, Severity, Title, Fix string
			Evidence                 []string
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if r.Lanes["proxied"].Events != 100 || r.Delay["proxied"].P50 < 100 || len(r.Findings) == 0 ||
		r.Findings[0].ID != "nginx-buffering" || r.Findings[0].Severity != "warning" || len(r.Findings[0].Evidence) == 0 {
		t.Fatalf("report %+v", r)
	}
}

func TestDiagnoseReferenceFlag(t *testing.T) {
	s := it.NewSession()
	a := s.Lane("origin").Connect(0, "").Respond(it.Ms(1))
	b := s.Lane("edge").Connect(0, "").Respond(it.Ms(1))
	for i := range 40 {
		a.Read(it.Ms(50*i+2), it.Numbered(i, 100))
		b.Read(it.Ms(50*i+402), it.Numbered(i, 100))
	}
	path := saveSession(t, s)
	if code, out, _ := run(t, "diagnose", path); code != ExitOK || strings.Contains(out, "event-delay") {
		t.Fatalf("without a reference nothing is compared: exit %d\n%s", code, out)
	}
	code, out, _ := run(t, "diagnose", "--reference", "origin", path)
	if code != ExitFindings || !strings.Contains(out, "event-delay") {
		t.Fatalf("--reference origin: exit %d\n%s", code, out)
	}
	if code, _, errOut := run(t, "diagnose", "--reference", "nope", path); code != ExitUsage || !strings.Contains(errOut, `"origin"`) {
		t.Fatalf("unknown lane: exit %d, stderr %s", code, errOut)
	}
}

func TestDiagnoseTapSession(t *testing.T) {
	s := it.NewSession()
	for i := range 6 {
		l := s.AddLaneInfo(inspector.LaneInfo{Name: fmt.Sprintf("tap %d", i+1), Kind: inspector.LaneTap,
			URL: "http://app.test/events", Client: fmt.Sprintf("127.0.0.1:%d", 50000+i)})
		l.Connect(time.Duration(i)*it.Ms(100), "").Respond(time.Duration(i)*it.Ms(100) + it.Ms(1))
		l.ReadDelivered(it.Sec(1), it.Sec(1)+it.Ms(1), it.Numbered(0, 30))
		l.Close(it.Sec(2), inspector.CauseCancelled)
	}
	code, out, _ := run(t, "diagnose", saveSession(t, s))
	if code != ExitFindings || !strings.Contains(out, "connection-limit") || !strings.Contains(out, "tap read → browser") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

func TestDiagnoseErrors(t *testing.T) {
	if code, _, _ := run(t, "diagnose"); code != ExitUsage {
		t.Errorf("no argument: exit %d", code)
	}
	if code, _, _ := run(t, "diagnose", "--stamp-unit", "weeks", "x"); code != ExitUsage {
		t.Errorf("bad unit: exit %d", code)
	}
	if code, _, errOut := run(t, "diagnose", filepath.Join(t.TempDir(), "missing")); code != ExitFailure || errOut == "" {
		t.Errorf("missing file: exit %d, stderr %q", code, errOut)
	}
}

func TestDiagnoseDrawsTheTimeline(t *testing.T) {
	path := saveSession(t, pairSession(100, 4096))
	img := filepath.Join(t.TempDir(), "timeline.png")
	if code, _, errOut := run(t, "diagnose", "--png", img, path); code != ExitFindings {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	f, err := os.Open(img)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil || cfg.Width != imageWidth || cfg.Height != imageHeight {
		t.Fatalf("%s: %v, %dx%d", img, err, cfg.Width, cfg.Height)
	}
	if code, _, _ := run(t, "diagnose", "--png", "timeline.gif", path); code != ExitUsage {
		t.Fatalf("--png with a .gif name: exit %d, want usage", code)
	}
}
