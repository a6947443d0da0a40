package diagnose_test

import (
	"fmt"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/inspector"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// A stream fetched directly and through nginx with its default buffering:
// the proxied lane gets the events in 4096-byte pages, the headers held
// back with the first one.
func ExampleAnalyze() {
	s := it.NewSession()
	evs, sent := it.Stream(100, it.Ms(2), it.Ms(50), func(i int) string { return it.Numbered(i, 200) })
	end := sent[99] + it.Ms(3)
	direct := s.Lane("direct").Connect(0, "").Respond(it.Ms(1))
	direct.Flowing(evs, sent, it.Ms(1)).Close(end, inspector.CauseEOF)
	proxied := s.Lane("proxied").Connect(0, "")
	proxied.Paged(evs, sent, 4096, it.Ms(1), end, "Server: nginx/1.22.1")
	proxied.Close(end+it.Ms(1), inspector.CauseEOF)

	r := diagnose.Analyze(s.Snapshot(), diagnose.Options{})
	p := r.Lanes["proxied"]
	fmt.Printf("proxied: %d events in %d reads, steps of %d B\n", p.Events, p.Bursts.Reads, p.Bursts.StepSize)
	fmt.Printf("delay vs direct: p50 %.0f ms\n", r.Delay["proxied"].P50.Ms())
	for _, f := range r.Findings {
		fmt.Printf("[%s] %s\n", f.Severity, f.ID)
	}
	// Output:
	// proxied: 100 events in 5 reads, steps of 4096 B
	// delay vs direct: p50 500 ms
	// [warning] nginx-buffering
}
