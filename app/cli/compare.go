package cli

import (
	"context"
	"flag"
	"fmt"
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
	demo     bool
}

func (o *compareOptions) register(fs *flag.FlagSet) {
	o.request.Register(fs)
	o.save.Register(fs)
	o.analysis.register(fs, false)
	fs.DurationVar(&o.duration, "duration", DefaultCompareDuration, "how long to record (`DURATION`)")
	fs.BoolVar(&o.demo, "demo", false, "compare the built-in demo: its origin directly and through a proxy that buffers like default nginx")
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
	switch {
	case o.demo && len(urls) != 0:
		return UsageError(env, fs, "--demo brings its own URLs; got %d arguments", len(urls))
	case !o.demo && len(urls) != 2:
		return UsageError(env, fs, "want two URLs, DIRECT and PROXIED; got %d arguments", len(urls))
	case o.duration <= 0:
		return UsageError(env, fs, "--duration must be positive")
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
		title = "compare: " + urls[0] + " vs " + urls[1]
	}
	reqs, err := o.request.Requests(urls)
	if err != nil {
		return UsageError(env, fs, "%v", err)
	}
	reqs[0].Name, reqs[1].Name = "direct", "proxied"

	sess := inspector.NewSession(inspector.Limits{})
	reference, err := recordPair(ctx, env, sess, reqs, o.duration)
	if err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector compare: %v\n", err)
		return ExitFailure
	}
	snap := sess.Snapshot()
	opts.Reference = reference
	report := diagnose.Analyze(snap, opts)
	if err := o.save.Save(snap); err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector compare: %v\n", err)
		return ExitFailure
	}
	if err := o.analysis.exportImage(snap, report, title); err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector compare: %v\n", err)
		return ExitFailure
	}
	return printReport(env, report, o.analysis.json)
}

// recordPair subscribes to the direct and the proxied stream at once and
// records until duration passes, both end for good, or ctx is cancelled.
// It returns the direct lane's ID, the analysis' reference.
func recordPair(ctx context.Context, env *Env, sess *inspector.Session, reqs []inspector.Request, duration time.Duration) (int, error) {
	subCtx, stop := context.WithCancel(ctx)
	defer stop()
	subs := make([]*inspector.Subscription, 0, len(reqs))
	for _, req := range reqs {
		sub, err := inspector.Subscribe(subCtx, sess, req, inspector.Hooks{})
		if err != nil {
			return 0, fmt.Errorf("%s: %w", req.Name, err)
		}
		subs = append(subs, sub)
	}
	fmt.Fprintf(env.Stderr, "comparing for %s (Ctrl-C to stop early)\n  direct:  %s\n  proxied: %s\n",
		duration, reqs[0].URL, reqs[1].URL)

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
	case <-ctx.Done():
		fmt.Fprintln(env.Stderr, "interrupted: analysing what was recorded")
	}
	stop()
	<-allDone
	return subs[0].Lane().ID(), nil
}
