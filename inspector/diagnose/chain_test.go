package diagnose_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/diagnose"

	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// chainOf analyses the session's lanes as one chain, in the order added.
func chainOf(s *it.Session) *diagnose.Report {
	var ids []int
	for _, l := range s.Lanes() {
		ids = append(ids, l.ID())
	}
	return diagnose.Analyze(s.Snapshot(), diagnose.Options{Chain: ids})
}

func hopOf(t *testing.T, r *diagnose.Report, id string) string {
	t.Helper()
	for _, f := range r.Findings {
		if f.ID == id {
			return f.Title
		}
	}
	var b strings.Builder
	_ = r.WriteText(&b)
	t.Fatalf("no %s finding in:\n%s", id, b.String())
	return ""
}

func TestChainNamesTheHopThatBuffers(t *testing.T) {
	tests := []struct {
		name  string
		build func(s *it.Session)
		hop   string
		clean string // the hop that must not be named
	}{
		{"buffer at the second hop", func(s *it.Session) {
			flowing(s, "origin", 100, 200, it.Ms(50))
			flowing(s, "haproxy", 100, 200, it.Ms(50))
			paged(s, "nginx", 100, 200, it.Ms(50), 4096, "Server: nginx/1.22.1")
		}, "hop 2 (nginx", "hop 1"},
		{"buffer at the first hop, inherited by the second", func(s *it.Session) {
			flowing(s, "origin", 100, 200, it.Ms(50))
			paged(s, "nginx", 100, 200, it.Ms(50), 4096, "Server: nginx/1.22.1")
			paged(s, "haproxy", 100, 200, it.Ms(50), 4096, "Server: nginx/1.22.1")
		}, "hop 1 (nginx", "hop 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := it.NewSession()
			tt.build(s)
			r := chainOf(s)
			title := hopOf(t, r, "nginx-buffering")
			if !strings.HasPrefix(title, tt.hop) {
				t.Fatalf("title %q: want it to name %s", title, tt.hop)
			}
			if testing.Verbose() {
				var b strings.Builder
				_ = r.WriteText(&b)
				t.Log(b.String())
			}
			for _, f := range r.Findings {
				if strings.HasPrefix(f.Title, tt.clean) && f.Severity >= diagnose.SeverityWarning {
					t.Errorf("%s named too: %s", tt.clean, f.Title)
				}
			}
			f := reportFinding(t, r, "nginx-buffering")
			requireEvidence(t, f, "buffers: ", "events per 4,096-byte read", "delivers each event at once")
			if len(r.Hops) != 3 || r.Hops[0].Matching != nil || r.Hops[1].Matching == nil {
				t.Fatalf("hops %+v", r.Hops)
			}
		})
	}
}

func TestChainHopsMeasureWhatEachHopAdded(t *testing.T) {
	s := it.NewSession()
	// Each lane sees the same events, 1 ms later per hop; the last adds 20 ms.
	l := s.Lane("origin").Connect(0, "").Respond(it.Ms(1))
	evs, sent := it.Stream(50, it.Ms(2), it.Ms(40), func(i int) string { return it.Numbered(i, 100) })
	l.Flowing(evs, sent, it.Ms(1))
	s.Lane("lb").Connect(0, "").Respond(it.Ms(1)).Flowing(evs, sent, it.Ms(2))
	s.Lane("cdn").Connect(0, "").Respond(it.Ms(1)).Flowing(evs[:45], sent[:45], it.Ms(22))
	r := chainOf(s)
	if len(r.Hops) != 3 {
		t.Fatalf("%d hops", len(r.Hops))
	}
	lb, cdn := r.Hops[1], r.Hops[2]
	if lb.Added == nil || lb.Added.P50.D() != it.Ms(1) || lb.Added.Max.D() != it.Ms(1) {
		t.Errorf("lb added %+v, want 1 ms", lb.Added)
	}
	if cdn.Added == nil || cdn.Added.P50.D() != it.Ms(20) || cdn.Total.P50.D() != it.Ms(21) || cdn.Added.Count != 45 {
		t.Errorf("cdn added %+v total %+v, want 20 ms over lb, 21 ms since the origin, 45 events", cdn.Added, cdn.Total)
	}
	if cdn.Matching.Lost != 5 || cdn.Matching.Method != diagnose.MatchByID {
		t.Errorf("cdn matching %+v", cdn.Matching)
	}
	e := r.Chain.Events[49]
	if e.Arrivals[2] != -1 || e.Seqs[1] != 49 {
		t.Errorf("last event along the chain: %+v", e)
	}
	if d, ok := r.Chain.Events[0].Added(2); !ok || d != it.Ms(20) {
		t.Errorf("event 1 at the cdn: added %v %v", d, ok)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"hops":[{"hop":0,"label":"origin"`, `"added":{"source":"reference","count":45`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s:\n%s", want, b)
		}
	}
	var text strings.Builder
	if err := r.WriteText(&text); err != nil || !strings.Contains(text.String(), "Hops (origin first") {
		t.Errorf("text (%v):\n%s", err, text.String())
	}
}

func TestTwoLanesWithoutChainHaveNoHops(t *testing.T) {
	s := it.NewSession()
	flowing(s, "direct", 100, 200, it.Ms(50))
	paged(s, "proxied", 100, 200, it.Ms(50), 4096, "Server: nginx/1.22.1")
	r := diagnose.Analyze(s.Snapshot(), diagnose.Options{})
	b, _ := json.Marshal(r)
	if strings.Contains(string(b), `"hops"`) || r.Chain != nil {
		t.Fatalf("hops without a chain: %s", b)
	}
	if title := hopOf(t, r, "nginx-buffering"); strings.HasPrefix(title, "hop") {
		t.Fatalf("two-lane title changed: %q", title)
	}
}

func TestMatchChainRefusesBadChains(t *testing.T) {
	s := it.NewSession()
	flowing(s, "origin", 5, 100, it.Ms(50))
	if _, err := diagnose.MatchChain(s.Snapshot(), []int{1}); err == nil {
		t.Error("one lane: no error")
	}
	if _, err := diagnose.MatchChain(s.Snapshot(), []int{1, 7}); err == nil || !strings.Contains(err.Error(), "no lane 7") {
		t.Errorf("unknown lane: %v", err)
	}
	if _, err := diagnose.MatchChain(s.Snapshot(), []int{1, 1}); err == nil {
		t.Error("repeated lane: no error")
	}
}

func TestChainNamesTheHopThatLosesOrCompresses(t *testing.T) {
	evs, sent := it.Stream(50, it.Ms(2), it.Ms(40), func(i int) string { return it.Numbered(i, 100) })
	s := it.NewSession()
	s.Lane("origin").Connect(0, "").Respond(it.Ms(1)).Flowing(evs, sent, it.Ms(1))
	s.Lane("lb").Connect(0, "").Respond(it.Ms(1)).Flowing(evs, sent, it.Ms(2))
	edge := s.Lane("edge").Connect(0, "").Respond(it.Ms(1))
	for i := range evs {
		if i < 10 || i >= 15 {
			edge.Read(sent[i]+it.Ms(3), evs[i])
		}
	}
	r := chainOf(s)
	if title := hopOf(t, r, "lost-events"); !strings.HasPrefix(title, "hop 2 (edge") {
		t.Fatalf("lost-events named at %q, want hop 2", title)
	}
	requireEvidence(t, reportFinding(t, r, "lost-events"), "hop 2 (edge", "lost 5 events that hop 1 (lb")

	s = it.NewSession()
	s.Lane("origin").Connect(0, "").Respond(it.Ms(1)).Flowing(evs, sent, it.Ms(1))
	for _, name := range []string{"nginx", "cdn"} {
		l := s.Lane(name).Connect(0, "").Respond(it.Ms(1), "Content-Encoding: gzip")
		for i := range evs {
			l.ReadWire(sent[i]+it.Ms(2), 30, evs[i])
		}
	}
	r = chainOf(s)
	var named []string
	for _, f := range r.Findings {
		if strings.Contains(f.ID, "compression") {
			named = append(named, f.Title)
		}
	}
	if len(named) != 1 || !strings.HasPrefix(named[0], "hop 1 (nginx") {
		t.Fatalf("compression named at %q: want hop 1 only, not the hop that inherits it", named)
	}
}

// TestChainSideRequestNamesTheHop gives a chain's last hop no header that
// names it, and a side request to its host (as compare sends) that does:
// the hop's buffering finding names the proxy the side request found.
func TestChainSideRequestNamesTheHop(t *testing.T) {
	s := it.NewSession()
	origin := flowing(s, "origin", 100, 200, it.Ms(50))
	lb := flowing(s, "haproxy", 100, 200, it.Ms(50))
	const edgeURL = "http://edge.test/stream"
	edge := s.AddLaneInfo(inspector.LaneInfo{Name: "edge", Kind: inspector.LaneSubscription, URL: edgeURL, Method: http.MethodGet}).Connect(0, "")
	evs, sent := it.Stream(100, it.Ms(2), it.Ms(50), func(i int) string { return it.Numbered(i, 200) })
	end := sent[len(sent)-1] + it.Ms(3)
	edge.Paged(evs, sent, 4096, it.Ms(1), end)
	edge.Close(end+it.Ms(1), inspector.CauseEOF)
	s.AddLaneInfo(inspector.LaneInfo{Name: "proxied (side request)", Kind: inspector.LaneRequest, URL: edgeURL, Method: http.MethodGet}).
		Connect(end+it.Ms(5), "").RespondWith(end+it.Ms(6), http.StatusNotFound, "HTTP/1.1", http.Header{"Server": {"nginx/1.22.1"}}).
		Close(end+it.Ms(7), inspector.CauseEOF)

	r := diagnose.Analyze(s.Snapshot(), diagnose.Options{Chain: []int{origin.ID(), lb.ID(), edge.ID()}})
	title := hopOf(t, r, "nginx-buffering")
	if !strings.HasPrefix(title, "hop 2 (edge") || !strings.Contains(title, "nginx") {
		t.Fatalf("title %q: want hop 2 named, as nginx", title)
	}
	f := reportFinding(t, r, "nginx-buffering")
	requireEvidence(t, f, "buffers: ")
	requireEvidence(t, f, "side request")
}
