package probe

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// guard bounds every wait; the tests never expect to come near it.
const guard = 30 * time.Second

// startProbe runs a probe until the test ends.
func startProbe(t *testing.T, cfg Config) *Probe {
	t.Helper()
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(guard):
			t.Error("Run did not return after cancel")
		}
	})
	return p
}

func waitEvaluations(t *testing.T, p *Probe, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	if err := p.awaitEvaluations(ctx, n); err != nil {
		t.Fatalf("waiting for %d evaluations: %v", n, err)
	}
}

// waitScraped scrapes the probe after each evaluation until ready holds,
// and returns that scrape; it fails the test after guard.
func waitScraped(t *testing.T, p *Probe, what string, ready func(scraped) bool) scraped {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	for n := 1; ; n++ {
		if err := p.awaitEvaluations(ctx, n); err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if m := scrape(t, p.Handler()); ready(m) {
			return m
		}
	}
}

func TestProbeCountsAStream(t *testing.T) {
	origin := (&it.Origin{Rate: 50, Size: 200}).Start(t)
	p := startProbe(t, Config{Window: time.Second, Evaluate: 100 * time.Millisecond,
		Probes: []Target{{Name: "clean", URL: origin.URL, Reference: origin.URL}}})
	probe := map[string]string{"probe": "clean"}
	// Five evaluations at least, and five events: a busy machine may
	// connect late.
	waitEvaluations(t, p, 5)
	m := waitScraped(t, p, "five events", func(m scraped) bool { return m.value("sseinspector_events_total", probe) >= 5 })
	if b := m.value("sseinspector_bytes_total", probe); b < 5*150 {
		t.Errorf("bytes_total %v, want the size of the events at least", b)
	}
	for _, src := range []string{"stamp", "reference"} {
		h := m.histogram("sseinspector_event_delay_seconds", map[string]string{"probe": "clean", "source": src})
		if h == nil || h.GetSampleCount() == 0 {
			t.Errorf("no %s delays: %v", src, h)
			continue
		}
		// The text format adds the +Inf bucket.
		if len(h.Bucket) != len(delayBuckets)+1 || h.Bucket[0].GetUpperBound() != 0.001 || h.Bucket[len(h.Bucket)-2].GetUpperBound() != 60 {
			t.Errorf("%s buckets: want 1 ms to 60 s, got %v", src, h.Bucket)
		}
	}
	if h := m.histogram("sseinspector_time_to_first_event_seconds", probe); h == nil || h.GetSampleCount() != 1 {
		t.Errorf("time to first event: want one connection, got %v", h)
	}
	if fam := m["sseinspector_disconnects_total"]; fam != nil && len(fam.Metric) > 0 {
		t.Errorf("a steady stream has no disconnects: %v", fam.Metric)
	}
	if fam := m["sseinspector_finding"]; fam != nil {
		for _, s := range fam.Metric {
			if s.Gauge.GetValue() != 0 {
				t.Errorf("a clean stream has no finding: %v", s)
			}
		}
	}
}

// endingOrigin sends one numbered event per connection, resuming after
// Last-Event-ID, with a short retry, and ends the response: a stream that
// reconnects all the time.
type endingOrigin struct {
	mu     sync.Mutex
	lastID []string // Last-Event-ID of each request
}

func (o *endingOrigin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	o.lastID = append(o.lastID, r.Header.Get("Last-Event-ID"))
	o.mu.Unlock()
	next := 1
	if n, err := strconv.Atoi(r.Header.Get("Last-Event-ID")); err == nil {
		next = n + 1
	}
	w.Header().Set("Content-Type", "text/event-stream")
	fmt.Fprintf(w, "retry: 10\nid: %d\ndata: {\"sent\":%d}\n\n", next, time.Now().UnixNano())
}

func (o *endingOrigin) ids() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.lastID...)
}

// A stream that reconnects after every event: the probe counts the
// disconnects and reconnects, restarts its recording every MaxConns
// connections, and carries Last-Event-ID across the restarts as a
// browser does across reconnections.
func TestProbeReconnectsAndRestartsItsRecording(t *testing.T) {
	o := &endingOrigin{}
	srv := httptest.NewServer(o)
	t.Cleanup(srv.Close)
	p := startProbe(t, Config{Window: time.Minute, Evaluate: 50 * time.Millisecond,
		Probes: []Target{{Name: "flappy", URL: srv.URL, MaxConns: 4}}})
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	for n := 1; len(o.ids()) < 13; n++ {
		if err := p.awaitEvaluations(ctx, n); err != nil {
			t.Fatalf("only %d connections: %v", len(o.ids()), err)
		}
	}
	m := scrape(t, p.Handler())
	probe := map[string]string{"probe": "flappy"}
	eof := m.value("sseinspector_disconnects_total", map[string]string{"probe": "flappy", "reason": "eof"})
	if eof < 12 {
		t.Errorf("eof disconnects %v, want at least 12", eof)
	}
	if r := m.value("sseinspector_reconnects_total", probe); r < 12 {
		t.Errorf("reconnects %v, want at least 12", r)
	}
	if r := m.value("sseinspector_recordings_total", probe); r < 3 {
		t.Errorf("recordings %v: want a restart every 4 connections", r)
	}
	ids := o.ids()
	for i, id := range ids[:13] {
		if want := strconv.Itoa(i); i > 0 && id != want {
			t.Fatalf("connection %d sent Last-Event-ID %q, want %q (all: %q)", i, id, want, ids)
		}
	}
}

// A stream that fails for good is tried again at the next evaluation,
// and its finding's gauge goes to 1.
func TestProbeRetriesAFailedStream(t *testing.T) {
	retried := make(chan struct{})
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if calls++; calls == 2 {
			close(retried)
		}
		mu.Unlock()
		http.Error(w, "gone", http.StatusNotFound)
	}))
	t.Cleanup(srv.Close)
	p := startProbe(t, Config{Window: time.Minute, Evaluate: 50 * time.Millisecond,
		Probes: []Target{{Name: "gone", URL: srv.URL}}})
	select {
	case <-retried:
	case <-time.After(guard):
		t.Fatal("the failed stream was not tried again")
	}
	// The evaluation after the failure sets the gauge; one may have run
	// before it on a busy machine.
	finding := map[string]string{"probe": "gone", "id": "http-status", "severity": "error"}
	m := waitScraped(t, p, "the http-status finding", func(m scraped) bool { return m.value("sseinspector_finding", finding) == 1 })
	if v := m.value("sseinspector_disconnects_total", map[string]string{"probe": "gone", "reason": "http-status"}); v < 1 {
		t.Errorf("http-status disconnects %v, want at least 1", v)
	}
}
