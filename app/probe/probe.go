package probe

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Probe watches the streams of a Config and exports their metrics.
type Probe struct {
	cfg      Config
	registry *prometheus.Registry
	metrics  *metrics
	targets  []*target

	mu        sync.Mutex
	evaluated map[string]int
	changed   chan struct{}
}

// New checks the configuration and prepares the probes; Run starts them.
func New(cfg Config) (*Probe, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	p := &Probe{cfg: cfg, registry: prometheus.NewRegistry(), evaluated: map[string]int{}, changed: make(chan struct{})}
	p.metrics = newMetrics(p.registry)
	for _, t := range cfg.Probes {
		p.targets = append(p.targets, newTarget(t, &p.cfg, p.metrics))
	}
	return p, nil
}

// Config returns the checked configuration, defaults filled in.
func (p *Probe) Config() Config { return p.cfg }

// Handler serves the metrics in the Prometheus text format.
func (p *Probe) Handler() http.Handler {
	return promhttp.HandlerFor(p.registry, promhttp.HandlerOpts{})
}

// Run subscribes to every stream and evaluates them until ctx is
// cancelled; it then stops them and returns nil. It returns an error at
// once if a stream cannot be subscribed to (an unusable URL or method).
func (p *Probe) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, len(p.targets))
	for _, t := range p.targets {
		go func() { errs <- t.run(ctx, p.noteEvaluation) }()
	}
	var all []error
	for range p.targets {
		if err := <-errs; err != nil {
			all = append(all, err)
			cancel()
		}
	}
	return errors.Join(all...)
}

// noteEvaluation counts an evaluation and wakes awaitEvaluations.
func (p *Probe) noteEvaluation(name string) {
	p.mu.Lock()
	p.evaluated[name]++
	close(p.changed)
	p.changed = make(chan struct{})
	p.mu.Unlock()
}

// awaitEvaluations blocks until every probe has been evaluated at least n
// times, or ctx ends: what tests wait on instead of sleeping.
func (p *Probe) awaitEvaluations(ctx context.Context, n int) error {
	for {
		p.mu.Lock()
		done := true
		for _, t := range p.targets {
			if p.evaluated[t.cfg.Name] < n {
				done = false
			}
		}
		ch := p.changed
		p.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}
