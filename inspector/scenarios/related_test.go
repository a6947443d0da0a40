package scenarios

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/diagnose"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// otherFeed is an independent stream: its own ids, its own cadence.
type otherFeed struct{}

func (otherFeed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/event-stream")
	f := w.(http.Flusher)
	for i := range 40 {
		if _, err := fmt.Fprintf(w, "id: feed-%d\ndata: price %d\n\n", i, 100+i); err != nil {
			return
		}
		f.Flush()
		select {
		case <-time.After(30 * time.Millisecond):
		case <-r.Context().Done():
			return
		}
	}
}

func TestUnrelatedStreamsAreNotCompared(t *testing.T) {
	if testing.Short() {
		t.Skip("real servers")
	}
	a := it.StartHandler(t, &it.Origin{Rate: 40, Size: 200, Count: 60})
	b := it.StartHandler(t, otherFeed{})
	sess := inspector.NewSession(inspector.Limits{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var subs []*inspector.Subscription
	for _, u := range [][2]string{{"direct", a.URL + "/stream"}, {"other", b.URL + "/feed"}} {
		s, err := inspector.Subscribe(ctx, sess, inspector.Request{URL: u[1], Name: u[0], NoReconnect: true}, inspector.Hooks{})
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, s)
	}
	for _, s := range subs {
		<-s.Done() // both streams end by themselves
	}
	r := diagnose.Analyze(sess.Snapshot(), diagnose.Options{})
	var text strings.Builder
	_ = r.WriteText(&text)
	o := r.Lanes["other"]
	if o == nil || o.Matching != nil || !strings.Contains(o.NotCompared, "no event id in common") {
		t.Fatalf("other lane compared with direct:\n%s", text.String())
	}
	if !strings.Contains(text.String(), "not compared with direct: no event id in common") {
		t.Fatalf("the report does not say which lanes were compared:\n%s", text.String())
	}
	for _, f := range r.Findings {
		if f.ID == "event-delay" || f.ID == "lost-events" {
			t.Fatalf("unrelated lanes matched event by event:\n%s", text.String())
		}
	}
}
