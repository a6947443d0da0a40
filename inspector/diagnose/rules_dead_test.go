package diagnose_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/inspector"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

func TestNoEventsNamesWhatArrived(t *testing.T) {
	for _, c := range []struct {
		name, body string
		severity   diagnose.Severity
		title, fix string
		evidence   string
	}{
		{"no blank line", strings.Repeat("data: {\"n\":1}\n", 20), diagnose.SeverityError,
			"no blank line", `\n\n`, `1}\n"`},
		{"json lines", strings.Repeat("{\"n\":1,\"pad\":\"xxxxxxxx\"}\n", 20), diagnose.SeverityError,
			"without the data: prefix", "data: ", `first bytes "{\"n\":1`},
		{"unending line", strings.Repeat("x", 5000), diagnose.SeverityError,
			"never ended", "blank line", `last bytes "xxxx`},
		{"heartbeats only", strings.Repeat(": ping\n\n", 20), diagnose.SeverityInfo,
			"only comment lines", "alive", "160 body bytes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := it.NewSession()
			l := s.Lane("stream").Connect(0, "").Respond(it.Ms(1))
			l.Chunks(c.body, 100, func() (at []time.Duration) {
				for i := range 60 {
					at = append(at, it.Ms(10+50*i))
				}
				return at
			}()...)
			reads := (len(c.body) + 99) / 100
			l.Close(it.Ms(10+50*reads), inspector.CauseEOF)
			fs := diagnoseRules(s)
			f := requireFinding(t, fs, "no-events")
			if f.Severity != c.severity || !strings.Contains(f.Title, c.title) || !strings.Contains(f.Fix, c.fix) {
				t.Fatalf("got [%s] %q, fix:\n%s", f.Severity, f.Title, f.Fix)
			}
			requireEvidence(t, f, c.evidence)
			r := diagnose.Analyze(s.Snapshot(), diagnose.Options{})
			if r.Problems != (c.severity >= diagnose.SeverityWarning) {
				t.Fatalf("Problems = %v for a %s finding:%s", r.Problems, c.severity, describe(r.Findings))
			}
		})
	}
}

func TestNoEventsWithoutHeaders(t *testing.T) {
	s := it.NewSession()
	s.Lane("stream").Connect(0, "").Close(it.Sec(5), inspector.CauseCancelled)
	f := requireFinding(t, diagnoseRules(s), "no-events")
	if f.Severity != diagnose.SeverityError || !strings.Contains(f.Title, "never sent its response headers in 5.00 s") {
		t.Fatalf("got [%s] %q", f.Severity, f.Title)
	}
	if !strings.Contains(f.Fix, "Flush") {
		t.Fatalf("fix:\n%s", f.Fix)
	}
}

// TestNoEventsTimeIsTheStreams: a side request sent after the recording
// (as compare sends it) does not lengthen the time a stream that ended
// was watched.
func TestNoEventsTimeIsTheStreams(t *testing.T) {
	s := it.NewSession()
	s.Lane("stream").Connect(0, "").Close(it.Sec(1), inspector.CauseCancelled)
	s.AddLaneInfo(inspector.LaneInfo{Name: "stream (side request)", Kind: inspector.LaneRequest, URL: it.DefaultURL, Method: "GET"}).
		Connect(it.Sec(1), "").Respond(it.Sec(4)).Close(it.Sec(4), inspector.CauseEOF)
	f := requireFinding(t, diagnoseRules(s), "no-events")
	if !strings.Contains(f.Title, "never sent its response headers in 1.00 s") {
		t.Fatalf("got %q, want the second the stream was watched", f.Title)
	}
}

func TestNoEventsHeadersOnlyIsAWarning(t *testing.T) {
	s := it.NewSession()
	s.Lane("stream").Connect(0, "").Respond(it.Ms(2)).Close(it.Sec(5), inspector.CauseCancelled)
	f := requireFinding(t, diagnoseRules(s), "no-events")
	if f.Severity != diagnose.SeverityWarning || !strings.Contains(f.Title, "not one byte of body") {
		t.Fatalf("got [%s] %q", f.Severity, f.Title)
	}
}

func TestNoEventsLeavesOtherCausesToTheirRules(t *testing.T) {
	s := it.NewSession()
	s.Lane("refused").Connect(0, "").Close(it.Ms(1), inspector.CauseConnect)
	s.Lane("status").Connect(0, "").RespondWith(it.Ms(1), 500, "HTTP/1.1", it.SSEHeader()).Close(it.Ms(2), inspector.CauseHTTPStatus)
	s.Lane("type").Connect(0, "").RespondWith(it.Ms(1), 200, "HTTP/1.1", it.SSEHeader("Content-Type:", "Content-Type: text/html")).
		Close(it.Ms(2), inspector.CauseContentType)
	requireNone(t, diagnoseRules(s), "no-events")
}

func TestNoEventsBufferedProxiedLaneIsTheBufferingRules(t *testing.T) {
	s := it.NewSession()
	flowing(s, "direct", 60, 200, it.Ms(50))
	s.Lane("proxied").Connect(0, "").Close(it.Sec(3.1), inspector.CauseCancelled)
	fs := diagnoseRules(s)
	requireNone(t, fs, "no-events")
	f := requireFinding(t, fs, "proxy-buffering")
	if strings.Contains(f.Title, "bursts") {
		t.Fatalf("title %q: a lane that received nothing showed no bursts", f.Title)
	}
}

func TestFlowEvidenceOfALaneWithoutEvents(t *testing.T) {
	s := it.NewSession()
	l := s.Lane("stream").Connect(0, "").Respond(it.Ms(1))
	l.Read(it.Ms(5), "data: x\n")
	l.Close(it.Sec(2), inspector.CauseEOF)
	r := diagnose.Analyze(s.Snapshot(), diagnose.Options{})
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "No problems found") || !r.Problems {
		t.Fatalf("a stream without events passed:\n%s", b.String())
	}
	if !strings.Contains(b.String(), "stream: 1 read, no event completed") || strings.Contains(b.String(), "reads ended inside an event") {
		t.Fatalf("the bursts line of a lane without events:\n%s", b.String())
	}
}
