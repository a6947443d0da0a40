package diagnose_test

import (
	"testing"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/inspector"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// BenchmarkAnalyze measures a full analysis of a compare session of two
// lanes of 100,000 stamped events each, the proxied one behind a 4096-byte
// buffer. Target: well under a second per analysis, so that the CLI's
// report and the UI's findings pane follow a long recording without a
// noticeable wait.
func BenchmarkAnalyze(b *testing.B) {
	const n = 100_000
	s := it.NewSession()
	body := func(i int) string { return it.Event(itoa(i+1), s.Stamp(i, it.Ms(i)+it.Ms(2), 100)) }
	evs, sent := it.Stream(n, it.Ms(2), it.Ms(1), body)
	end := sent[n-1] + it.Ms(3)
	d := s.Lane("direct").Connect(0, "").Respond(it.Ms(1))
	d.Flowing(evs, sent, it.Ms(1)).Close(end, inspector.CauseEOF)
	p := s.Lane("proxied").Connect(0, "")
	p.Paged(evs, sent, 4096, it.Ms(1), end, "Server: nginx")
	p.Close(end+it.Ms(1), inspector.CauseEOF)
	snap := s.Snapshot()
	b.ResetTimer()
	for b.Loop() {
		r := diagnose.Analyze(snap, diagnose.Options{})
		if len(r.Findings) == 0 || r.Findings[0].ID != "nginx-buffering" {
			b.Fatalf("findings %v", ids(r.Findings))
		}
	}
}
