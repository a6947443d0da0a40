package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// watchCommand is set in init: runWatch refers to it for its usage text,
// which a package-level initializer would make a cycle.
var watchCommand *Command

func init() {
	watchCommand = &Command{
		Name:    "watch",
		Usage:   "[flags] URL...",
		Summary: "subscribe to event streams like a browser and print every event with its timing",
		Run:     runWatch,
		Aliases: watchAliases,
	}
	Register(watchCommand)
}

// watchOptions are the watch command's flags.
type watchOptions struct {
	headers     HeaderFlag
	method      string
	data        string
	lastEventID string
	readTimeout time.Duration
	retry       time.Duration
	noReconnect bool
	duration    time.Duration
	maxEvents   int
	json        bool
	output      string
}

// watchAliases maps each short flag to its long spelling.
var watchAliases = map[string]string{"H": "header", "X": "request", "d": "data", "o": "output"}

func (o *watchOptions) register(fs *flag.FlagSet) {
	// Short and long spellings share one variable: the flag package
	// treats them as different flags.
	for _, name := range []string{"H", "header"} {
		fs.Var(&o.headers, name, "request header `NAME: VALUE` (repeatable)")
	}
	for _, name := range []string{"X", "request"} {
		fs.StringVar(&o.method, name, "", "request `METHOD` (default GET, or POST with --data)")
	}
	for _, name := range []string{"d", "data"} {
		fs.StringVar(&o.data, name, "", "request `BODY`, sent on every (re)connection; @FILE reads it from a file")
	}
	for _, name := range []string{"o", "output"} {
		fs.StringVar(&o.output, name, "", "write the recorded session to `FILE` on exit")
	}
	fs.StringVar(&o.lastEventID, "last-event-id", "", "`ID` to send as Last-Event-ID on the first connection")
	fs.DurationVar(&o.readTimeout, "read-timeout", 0, "reconnect when no byte arrives for `DURATION` (0: never)")
	fs.DurationVar(&o.retry, "retry", inspector.DefaultRetry, "initial reconnection time `DURATION`, until the stream's retry: field changes it")
	fs.BoolVar(&o.noReconnect, "no-reconnect", false, "end a stream when its connection ends instead of reconnecting")
	fs.DurationVar(&o.duration, "duration", 0, "stop after `DURATION` (0: until interrupted)")
	fs.IntVar(&o.maxEvents, "max-events", 0, "stop after `N` events across all streams (0: no limit)")
	fs.BoolVar(&o.json, "json", false, "print NDJSON, one object per line")
}

func runWatch(ctx context.Context, env *Env, args []string) int {
	var o watchOptions
	fs := NewFlagSet(env, watchCommand)
	o.register(fs)
	urls, done, code := parseInterspersed(env, fs, args)
	if done {
		return code
	}
	switch {
	case len(urls) == 0:
		return UsageError(env, fs, "no stream URL given")
	case o.maxEvents < 0:
		return UsageError(env, fs, "--max-events must not be negative")
	case o.duration < 0 || o.readTimeout < 0 || o.retry < 0:
		return UsageError(env, fs, "durations must not be negative")
	}
	for _, u := range urls {
		if _, err := inspector.CheckURL(u); err != nil {
			return UsageError(env, fs, "%v", err)
		}
	}
	base, err := o.request()
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
	subs := make([]*inspector.Subscription, 0, len(urls))
	for _, u := range urls {
		req := base
		req.URL = u
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
	if o.output != "" {
		if err := inspector.SaveSession(o.output, sess.Snapshot(), inspector.SaveOptions{}); err != nil {
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

// request builds the subscription request shared by every URL.
func (o *watchOptions) request() (inspector.Request, error) {
	req := inspector.Request{
		Method:      o.method,
		LastEventID: o.lastEventID,
		ReadTimeout: o.readTimeout,
		Retry:       retryOption(o.retry),
		NoReconnect: o.noReconnect,
		Header:      http.Header{},
	}
	for _, h := range o.headers {
		name, value, _ := strings.Cut(h, ":")
		req.Header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	switch {
	case strings.HasPrefix(o.data, "@"):
		b, err := os.ReadFile(o.data[1:])
		if err != nil {
			return req, fmt.Errorf("--data: %w", err)
		}
		req.Body = b
	case o.data != "":
		req.Body = []byte(o.data)
	}
	return req, nil
}

// parseInterspersed parses flags that may come before, between or after
// the positional arguments (watch URL -H x), which the flag package alone
// stops at. Everything after "--" is positional.
func parseInterspersed(env *Env, fs *flag.FlagSet, args []string) (positional []string, done bool, code int) {
	for {
		if done, code := ParseFlags(env, fs, args); done {
			return nil, true, code
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(positional, rest...), false, ExitOK
		}
		if len(rest) == 0 {
			return positional, false, ExitOK
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// retryOption maps --retry to Request.Retry, where 0 would mean the
// default: --retry 0 means reconnecting at once.
func retryOption(d time.Duration) time.Duration {
	if d == 0 {
		return inspector.RetryNow
	}
	return d
}
