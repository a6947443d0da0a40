package demo

import (
	"context"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/sse"

	"github.com/sseinspector/sseinspector/inspector"
)

// The demo must show what it promises: the direct lane gets events one by
// one, the proxied lane gets them late and in page-sized bursts.
func TestDemoShowsBufferingOnTheProxiedLaneOnly(t *testing.T) {
	d, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	sess := inspector.NewSession(inspector.Limits{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const want = 100 // five seconds of the demo stream: at least two pages
	got := make(chan int, 2)
	subscribe := func(url string) *inspector.Subscription {
		n := 0
		sub, err := inspector.Subscribe(ctx, sess, inspector.Request{URL: url}, inspector.Hooks{
			OnItem: func(l *inspector.Lane, it *sse.Item, _ time.Duration) {
				if it.Kind == sse.ItemEvent {
					if n++; n == want {
						got <- l.ID()
					}
				}
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		return sub
	}
	direct := subscribe(d.DirectURL)
	proxied := subscribe(d.ProxiedURL)
	<-got
	<-got
	ds, ps := direct.Lane().Snapshot(), proxied.Lane().Snapshot()
	if r := ds.Read(0); r.Size >= 4096 {
		t.Fatalf("direct lane's first read is %d B: the origin itself buffers", r.Size)
	}
	// The first page may reach the client in two reads at the same
	// moment: the proxy's own 4 KiB write buffer sends it in two writes
	// when the response headers precede it. Reads within a few
	// milliseconds of the first are that page.
	if ps.ReadCount() == 0 {
		t.Fatal("proxied lane read nothing")
	}
	first, page, pageReads := ps.Read(0), 0, 0
	for i := 0; i < ps.ReadCount() && ps.Read(i).At-first.At < 5*time.Millisecond; i++ {
		page += ps.Read(i).Size
		pageReads++
	}
	if page != 4096 {
		t.Fatalf("proxied lane's first page = %d B in %d reads from %+v, want 4096", page, pageReads, first)
	}
	if ps.Conns[0].HeadersAt < ds.Conns[0].HeadersAt+500*time.Millisecond {
		t.Fatalf("proxied headers at %v, direct at %v: headers were not held", ps.Conns[0].HeadersAt, ds.Conns[0].HeadersAt)
	}
	burst := 0
	ps.Scan(0, ps.Len(), func(_ int, m *inspector.EventMeta) bool {
		if m.LastRead < int64(pageReads) {
			burst++
		}
		return m.LastRead < int64(pageReads)
	})
	if burst < 20 {
		t.Fatalf("the first proxied page completed %d events, want a burst of 20+", burst)
	}
}
