package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/sseinspector/sseinspector/app/cmdline"
	"github.com/sseinspector/sseinspector/inspector"
)

// watchOptions are the watch command's flags.
type watchOptions struct {
	request   cmdline.RequestFlags
	save      cmdline.SaveFlags
	duration  time.Duration
	maxEvents int
	json      bool
}

func (o *watchOptions) register(fs *flag.FlagSet) {
	o.request.Register(fs)
	o.save.Register(fs)
	fs.DurationVar(&o.duration, "duration", 0, "stop after `DURATION` (0: until interrupted)")
	fs.IntVar(&o.maxEvents, "max-events", 0, "stop after `N` events across all streams (0: no limit)")
	fs.BoolVar(&o.json, "json", false, "print NDJSON, one object per line")
}

func runWatch(ctx context.Context, env *Env, fs *flag.FlagSet, args []string) int {
	var o watchOptions
	o.register(fs)
	urls, done, code := ParseFlags(env, fs, args)
	if done {
		return code
	}
	switch {
	case len(urls) == 0:
		return UsageError(env, fs, "no stream URL given")
	case o.maxEvents < 0:
		return UsageError(env, fs, "--max-events must not be negative")
	case o.duration < 0:
		return UsageError(env, fs, "--duration must not be negative")
	}
	reqs, err := o.request.Requests(urls)
	if err != nil {
		return UsageError(env, fs, "%v", err)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if o.duration > 0 {
		ctx, cancel = context.WithTimeout(ctx, o.duration)
		defer cancel()
	}
	sess := inspector.NewSession(inspector.Limits{})
	out := newWatchPrinter(env.Stdout, sess, o.json, o.maxEvents, cancel)
	subs := make([]*inspector.Subscription, 0, len(reqs))
	for _, req := range reqs {
		sub, err := inspector.Subscribe(ctx, sess, req, out.hooks())
		if err != nil {
			cancel()
			for _, s := range subs {
				<-s.Done()
			}
			return UsageError(env, fs, "%v", err)
		}
		subs = append(subs, sub)
	}

	failed := 0
	for _, sub := range subs {
		<-sub.Done()
		err := sub.Err()
		if err == nil || cleanEnd(err) {
			continue
		}
		failed++
		out.failed(sub.Lane(), err)
		fmt.Fprintf(env.Stderr, "sseinspector watch: %s: %v\n", sub.Lane().Info().URL, err)
	}
	code = ExitOK
	if failed == len(subs) {
		code = ExitFailure
	}
	// A snapshot copies every connection record held: take none when
	// there is nothing to save.
	if o.save.Output != "" {
		if err := o.save.Save(sess.Snapshot()); err != nil {
			fmt.Fprintf(env.Stderr, "sseinspector watch: %v\n", err)
			code = ExitFailure
		}
	}
	return code
}

// cleanEnd reports whether a subscription ended because, with
// --no-reconnect, its server ended the stream cleanly: what was asked for,
// not a failure.
func cleanEnd(err error) bool {
	var ce *inspector.ConnError
	return errors.As(err, &ce) && ce.Cause == inspector.CauseEOF && ce.Err == nil
}
