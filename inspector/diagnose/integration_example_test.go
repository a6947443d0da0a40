package diagnose_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/diagnose"
	"github.com/sseinspector/sseinspector/inspector/sse"
)

// A Go service's own integration test checks that its event stream gets
// through the proxy configuration it ships with: subscribe to the stream
// directly and through the proxy, wait for the events, diagnose, and fail
// on any warning. In a test, the prints become t.Fatalf.
func Example_integrationTest() {
	// The service and its proxy. In a real test: the service's handler and
	// the reverse proxy, nginx or gateway configuration it is deployed with.
	service := httptest.NewServer(countdown(5))
	defer service.Close()
	target, _ := url.Parse(service.URL)
	proxy := httptest.NewServer(httputil.NewSingleHostReverseProxy(target))
	defer proxy.Close()

	report, err := checkStream(service.URL+"/events", proxy.URL+"/events", 5)
	if err != nil {
		fmt.Println("subscribe:", err) // t.Fatal(err)
		return
	}
	for _, f := range report.Findings {
		if f.Severity >= diagnose.SeverityWarning {
			fmt.Printf("%s: %s\n", f.ID, f.Title) // t.Errorf(...)
		}
	}
	fmt.Printf("proxied: %d events, problems: %v\n", report.Lanes["proxied"].Events, report.Problems)
	// Output:
	// proxied: 5 events, problems: false
}

// checkStream subscribes to both URLs as a browser would, waits until the
// proxied stream delivered want events (or 10 s passed), and analyses the
// pair with the direct stream as the reference.
func checkStream(direct, proxied string, want int) (*diagnose.Report, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sess := inspector.NewSession(inspector.Limits{})
	ref, err := inspector.Subscribe(ctx, sess, inspector.Request{URL: direct, Name: "direct"}, inspector.Hooks{})
	if err != nil {
		return nil, err
	}
	arrived := make(chan struct{})
	n := 0
	count := inspector.Hooks{OnItem: func(_ *inspector.Lane, it *sse.Item, _ time.Duration) {
		if it.Kind != sse.ItemEvent {
			return
		}
		if n++; n == want {
			close(arrived)
		}
	}}
	sub, err := inspector.Subscribe(ctx, sess, inspector.Request{URL: proxied, Name: "proxied"}, count)
	if err != nil {
		return nil, err
	}
	select {
	case <-arrived:
	case <-ctx.Done():
	}
	cancel()
	<-ref.Done()
	<-sub.Done()
	return diagnose.Analyze(sess.Snapshot(), diagnose.Options{Reference: ref.Lane().ID()}), nil
}

// countdown is a service's stream: n events, flushed one by one, then an
// open connection with nothing more to say.
func countdown(n int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-cache")
		for i := 1; i <= n; i++ {
			fmt.Fprintf(w, "id: %d\ndata: {\"left\":%d,\"sent\":%d}\n\n", i, n-i, time.Now().UnixNano())
			w.(http.Flusher).Flush()
			time.Sleep(20 * time.Millisecond) // the service's own pace
		}
		<-r.Context().Done()
	})
}
