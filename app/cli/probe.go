package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/sseinspector/sseinspector/app/cmdline"
	"github.com/sseinspector/sseinspector/app/probe"
)

// DefaultProbeListen is the address /metrics is served on.
const DefaultProbeListen = "127.0.0.1:9464"

// probeFlags are the probe command's flags; the single-URL ones build a
// one-probe configuration when no --config is given.
type probeFlags struct {
	config, listen, name, reference string
	request                         cmdline.RequestFlags
	window, evaluate                time.Duration
	stamp                           probe.StampConfig
}

func (f *probeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.config, "config", "", "probe `FILE` (YAML) listing the streams; see the README")
	fs.StringVar(&f.listen, "listen", DefaultProbeListen, "`address` serving /metrics")
	fs.StringVar(&f.name, "name", "", "probe `NAME` of the single URL (default: its host and path)")
	fs.StringVar(&f.reference, "reference", "", "`URL` of the same stream fetched directly, to measure the delay against")
	f.request.Register(fs)
	fs.DurationVar(&f.window, "window", 0, "a finding's gauge stays 1 this long after it was last seen (`DURATION`, default 5m)")
	fs.DurationVar(&f.evaluate, "evaluate", 0, "how often delays and findings are measured (`DURATION`, default 15s)")
	fs.StringVar(&f.stamp.Field, "stamp-field", "", "JSON `field` of the event data holding its send time (default: the built-in origin's \"sent\")")
	fs.StringVar(&f.stamp.Unit, "stamp-unit", "", "`unit` of a numeric send time: s, ms, us or ns")
	fs.StringVar(&f.stamp.Regex, "stamp-regex", "", "regular `expression` finding the send time in the event data")
}

// runProbe serves /metrics for the streams of --config, or of one URL,
// until interrupted.
func runProbe(ctx context.Context, env *Env, fs *flag.FlagSet, args []string) int {
	var f probeFlags
	f.register(fs)
	urls, done, code := ParseFlags(env, fs, args)
	if done {
		return code
	}
	cfg, err := f.configuration(fs, urls)
	if err != nil {
		return UsageError(env, fs, "%v", err)
	}
	p, err := probe.New(cfg)
	if err != nil {
		return UsageError(env, fs, "%v", err)
	}
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector probe: %v\n", err)
		return ExitFailure
	}
	if addr := ln.Addr().(*net.TCPAddr); !addr.IP.IsLoopback() {
		fmt.Fprintf(env.Stderr, "sseinspector probe: warning: listening on %s, which is not a loopback address: other machines can read the metrics\n", addr)
	}
	if err := serveProbe(ctx, env, p, ln); err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector probe: %v\n", err)
		return ExitFailure
	}
	return ExitOK
}

// configuration reads --config, or builds a one-probe configuration from
// the URL argument and the single-URL flags; the two are exclusive.
func (f *probeFlags) configuration(fs *flag.FlagSet, args []string) (probe.Config, error) {
	if f.config != "" {
		var single []string
		fs.Visit(func(fl *flag.Flag) {
			if fl.Name != "config" && fl.Name != "listen" && fl.Name != "window" && fl.Name != "evaluate" {
				single = append(single, "--"+fl.Name)
			}
		})
		switch {
		case len(args) > 0:
			return probe.Config{}, errors.New("--config lists the streams: give no URL with it")
		case len(single) > 0:
			return probe.Config{}, fmt.Errorf("--config lists the streams: %s only apply to a single URL", strings.Join(single, ", "))
		}
		cfg, err := probe.LoadConfig(f.config)
		if err != nil {
			return cfg, err
		}
		if f.window != 0 {
			cfg.Window = f.window
		}
		if f.evaluate != 0 {
			cfg.Evaluate = f.evaluate
		}
		return cfg, cfg.Check()
	}
	if len(args) != 1 {
		return probe.Config{}, fmt.Errorf("want --config FILE or one URL; got %d arguments", len(args))
	}
	if f.request.NoReconnect {
		return probe.Config{}, errors.New("--no-reconnect: a probe reconnects as a browser does, for as long as it runs")
	}
	req, err := f.request.Request()
	if err != nil {
		return probe.Config{}, err
	}
	t := probe.Target{Name: f.name, URL: args[0], Reference: f.reference, Method: req.Method, Body: string(req.Body),
		LastEventID: req.LastEventID, ReadTimeout: req.ReadTimeout, Retry: req.Retry, Stamp: f.stamp}
	if t.Name == "" {
		t.Name = probeName(args[0])
	}
	for name, values := range req.Header {
		if t.Headers == nil {
			t.Headers = map[string]string{}
		}
		t.Headers[name] = strings.Join(values, ", ")
	}
	return probe.Config{Window: f.window, Evaluate: f.evaluate, Probes: []probe.Target{t}}, nil
}

// probeName is a URL's host and path, the default probe label.
func probeName(raw string) string {
	s := raw
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSuffix(s, "/")
}

// serveProbe serves /metrics on ln while the probe runs, until ctx ends.
func serveProbe(ctx context.Context, env *Env, p *probe.Probe, ln net.Listener) error {
	mux := http.NewServeMux()
	mux.Handle("/metrics", p.Handler())
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintln(w, "SSE Inspector probe: metrics on /metrics")
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	cfg := p.Config()
	names := make([]string, len(cfg.Probes))
	for i, t := range cfg.Probes {
		names[i] = t.Name
	}
	fmt.Fprintf(env.Stdout, "probing %s; metrics on http://%s/metrics (window %v, evaluated every %v); interrupt to stop\n",
		strings.Join(names, ", "), ln.Addr(), cfg.Window, cfg.Evaluate)

	runErr := p.Run(ctx)
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("stop serving metrics: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve metrics: %w", err)
	}
	return runErr
}
