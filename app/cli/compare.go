package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/sseinspector/sseinspector/app/cmdline"
	"github.com/sseinspector/sseinspector/app/demo"
	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/diagnose"
)

// DefaultCompareDuration is how long compare records when --duration is
// not given: long enough for a few page-sized bursts of a modest stream.
const DefaultCompareDuration = 15 * time.Second

// compareOptions are the compare command's flags.
type compareOptions struct {
	request  cmdline.RequestFlags
	save     cmdline.SaveFlags
	analysis analysisFlags
	duration time.Duration
	events   int64
	demo     bool
	labels   string
	config   configFlags
}

func (o *compareOptions) register(fs *flag.FlagSet) {
	o.request.Register(fs)
	o.save.Register(fs)
	o.analysis.register(fs, false)
	fs.DurationVar(&o.duration, "duration", DefaultCompareDuration, "how long to record at most (`DURATION`)")
	fs.Int64Var(&o.events, "events", 0, "stop as soon as every stream has received `N` events (0: record for --duration)")
	fs.StringVar(&o.labels, "labels", "", "comma-separated `names` of the URLs, origin first (default: direct,proxied for two URLs; origin,hop 1,hop 2,… for a chain)")
	fs.BoolVar(&o.demo, "demo", false, "compare the built-in demo: its origin directly and through a proxy that buffers like default nginx")
	o.config.register(fs)
}

// check refuses flag combinations that cannot run, given n URLs.
func (o *compareOptions) check(n int) error {
	switch {
	case o.demo && n != 0:
		return fmt.Errorf("--demo brings its own URLs; got %d arguments", n)
	case !o.demo && n < 2:
		return fmt.Errorf("want two URLs or more, the origin first and then each hop outwards; got %d arguments", n)
	case o.duration <= 0:
		return fmt.Errorf("--duration must be positive")
	case o.events < 0:
		return fmt.Errorf("--events must be 0 or more")
	}
	return nil
}

// runCompare subscribes to both URLs at the same moment, records until
// --duration passes, both streams end for good, or the user interrupts,
// then analyses the pair with DIRECT as the reference. See analysis.go for
// the output and the exit codes.
func runCompare(ctx context.Context, env *Env, fs *flag.FlagSet, args []string) int {
	var o compareOptions
	o.register(fs)
	urls, done, code := ParseFlags(env, fs, args)
	if done {
		return code
	}
	if err := o.check(len(urls)); err != nil {
		return UsageError(env, fs, "%v", err)
	}
	opts, err := o.analysis.options(nil)
	if err != nil {
		return UsageError(env, fs, "%v", err)
	}
	var title string
	if o.demo {
		d, err := demo.Start()
		if err != nil {
			fmt.Fprintf(env.Stderr, "sseinspector compare: %v\n", err)
			return ExitFailure
		}
		defer d.Close()
		urls = []string{d.DirectURL, d.ProxiedURL}
		title = "demo: direct vs a proxy that buffers like default nginx"
	} else {
		title = "compare: " + strings.Join(urls, " vs ")
	}
	names, err := laneNames(o.labels, len(urls))
	if err != nil {
		return UsageError(env, fs, "%v", err)
	}
	reqs, err := o.request.Requests(urls)
	if err != nil {
		return UsageError(env, fs, "%v", err)
	}
	for i := range reqs {
		reqs[i].Name = names[i]
	}
	// --config describes the outermost hop: the proxy the client meets.
	outer := len(reqs) - 1
	cfg, err := o.config.lint(urls[outer])
	if err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector compare: %v\n", err)
		return ExitFailure
	}

	sess := inspector.NewSession(inspector.Limits{})
	sideDone := startSideRequest(ctx, env, sess, reqs[outer].URL, names[outer])
	lanes, err := recordAll(ctx, env, sess, reqs, o.duration, o.events)
	sideDone()
	if err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector compare: %v\n", err)
		return ExitFailure
	}
	snap := sess.Snapshot()
	opts.Reference = lanes[0]
	if len(lanes) > 2 {
		opts.Chain = lanes
	}
	report := diagnose.Analyze(snap, opts)
	if err := o.save.Save(snap); err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector compare: %v\n", err)
		return ExitFailure
	}
	if err := o.analysis.exportImage(snap, report, title); err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector compare: %v\n", err)
		return ExitFailure
	}
	if err := o.analysis.writeJUnit("compare", report, opts); err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector compare: %v\n", err)
		return ExitFailure
	}
	if cfg != nil {
		return printReportWithConfig(env, report, cfg, names[outer], o.analysis.json)
	}
	return printReport(env, report, o.analysis.json)
}

// recordAll subscribes to every stream at once (the direct and the
// proxied one, or each hop of a chain) and records until duration passes,
// all end for good, every lane has received events events (when positive),
// or ctx is cancelled. It returns the lanes' IDs in the order of the
// requests.
func recordAll(ctx context.Context, env *Env, sess *inspector.Session, reqs []inspector.Request, duration time.Duration, events int64) ([]int, error) {
	subCtx, stop := context.WithCancel(ctx)
	defer stop()
	subs := make([]*inspector.Subscription, 0, len(reqs))
	for _, req := range reqs {
		sub, err := inspector.Subscribe(subCtx, sess, req, inspector.Hooks{})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", req.Name, err)
		}
		subs = append(subs, sub)
	}
	fmt.Fprintf(env.Stderr, "comparing for %s (Ctrl-C to stop early)\n", duration)
	width := 0
	for _, req := range reqs {
		width = max(width, len(req.Name)+1)
	}
	for _, req := range reqs {
		fmt.Fprintf(env.Stderr, "  %-*s %s\n", width, req.Name+":", req.URL)
	}

	// Both streams failing for good (a 404, a wrong Content-Type) leaves
	// nothing to wait for.
	allDone := make(chan struct{})
	go func() {
		for _, s := range subs {
			<-s.Done()
		}
		close(allDone)
	}()
	timer := time.NewTimer(duration)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-allDone:
	case <-enoughEvents(subCtx, sess, subs, events):
	case <-ctx.Done():
		fmt.Fprintln(env.Stderr, "interrupted: analysing what was recorded")
	}
	stop()
	<-allDone
	ids := make([]int, len(subs))
	for i, s := range subs {
		ids[i] = s.Lane().ID()
	}
	return ids, nil
}

// laneNames names the compared lanes: the --labels given, else direct and
// proxied for two URLs, else origin, hop 1, hop 2 and so on.
func laneNames(labels string, n int) ([]string, error) {
	if labels != "" {
		names := strings.Split(labels, ",")
		if len(names) != n {
			return nil, fmt.Errorf("--labels names %d lanes for %d URLs", len(names), n)
		}
		seen := make(map[string]bool, n)
		for i, name := range names {
			name = strings.TrimSpace(name)
			if name == "" || seen[name] {
				return nil, fmt.Errorf("--labels: name %d is empty or repeated (%q)", i+1, labels)
			}
			seen[name], names[i] = true, name
		}
		return names, nil
	}
	if n == 2 {
		return []string{"direct", "proxied"}, nil
	}
	names := []string{"origin"}
	for k := 1; k < n; k++ {
		names = append(names, fmt.Sprintf("hop %d", k))
	}
	return names, nil
}

// enoughEvents is closed once every subscription's lane holds at least n
// events; with n = 0 it is never closed. It checks after each change to the
// session, at most every 20 ms.
func enoughEvents(ctx context.Context, sess *inspector.Session, subs []*inspector.Subscription, n int64) <-chan struct{} {
	done := make(chan struct{})
	if n <= 0 {
		return done
	}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-sess.Changed():
			}
			all := true
			for _, s := range subs {
				if s.Lane().Snapshot().TotalEvents() < n {
					all = false
					break
				}
			}
			if all {
				close(done)
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return done
}
