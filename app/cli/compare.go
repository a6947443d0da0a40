package cli

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/app/demo"
	"github.com/sseinspector/sseinspector/inspector"
)

func init() {
	Register(&Command{
		Name:    "compare",
		Usage:   "[flags] DIRECT PROXIED | --demo [flags]",
		Summary: "subscribe to a stream directly and through a proxy at once, and name what delays or drops events",
		Run:     runCompare,
		Aliases: watchAliases,
	})
}

// DefaultCompareDuration is how long compare records when --duration is
// not given: long enough for a few page-sized bursts of a modest stream.
const DefaultCompareDuration = 15 * time.Second

// runCompare subscribes to both URLs at the same moment, records until
// --duration passes, both streams end for good, or the user interrupts,
// then analyses the pair with DIRECT as the reference. See analysis.go for
// the output and the exit codes.
func runCompare(ctx context.Context, env *Env, args []string) int {
	fs := NewFlagSet(env, Lookup("compare"))
	var headers HeaderFlag
	var method, data, out string
	for _, name := range []string{"H", "header"} {
		fs.Var(&headers, name, "request header `NAME: VALUE` sent on both streams (repeatable)")
	}
	for _, name := range []string{"X", "request"} {
		fs.StringVar(&method, name, "", "request `METHOD` (default GET, or POST with --data)")
	}
	for _, name := range []string{"d", "data"} {
		fs.StringVar(&data, name, "", "request `BODY` sent on both streams; @FILE reads it from a file")
	}
	for _, name := range []string{"o", "output"} {
		fs.StringVar(&out, name, "", "save the recorded session to `FILE`")
	}
	lastID := fs.String("last-event-id", "", "`ID` to send as Last-Event-ID on the first connection")
	readTimeout := fs.Duration("read-timeout", 0, "reconnect when no byte arrived for `DURATION` (0: never, as a browser)")
	duration := fs.Duration("duration", DefaultCompareDuration, "how long to record (`DURATION`)")
	useDemo := fs.Bool("demo", false, "compare the built-in demo: its origin directly and through a proxy that buffers like default nginx")
	keep := fs.Bool("keep-secrets", false, "keep Authorization and Cookie values in the saved session (redacted by default)")
	var af analysisFlags
	af.register(fs, false)
	if done, code := ParseFlags(env, fs, args); done {
		return code
	}
	switch {
	case *useDemo && fs.NArg() != 0:
		return UsageError(env, fs, "--demo brings its own URLs; got %d arguments", fs.NArg())
	case !*useDemo && fs.NArg() != 2:
		return UsageError(env, fs, "want two URLs, DIRECT and PROXIED; got %d arguments", fs.NArg())
	}
	if *duration <= 0 {
		return UsageError(env, fs, "--duration must be positive")
	}
	opts, err := af.options(nil)
	if err != nil {
		return UsageError(env, fs, "%v", err)
	}
	header := http.Header{}
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ":")
		header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	var body []byte
	if data != "" {
		body = []byte(data)
		if file, ok := strings.CutPrefix(data, "@"); ok {
			if body, err = os.ReadFile(file); err != nil {
				fmt.Fprintf(env.Stderr, "sseinspector compare: -d: %v\n", err)
				return ExitFailure
			}
		}
	}
	urls := [2]string{fs.Arg(0), fs.Arg(1)}
	title := "compare: " + urls[0] + " vs " + urls[1]
	if *useDemo {
		d, err := demo.Start()
		if err != nil {
			fmt.Fprintf(env.Stderr, "sseinspector compare: %v\n", err)
			return ExitFailure
		}
		defer d.Close()
		urls = [2]string{d.DirectURL, d.ProxiedURL}
		title = "demo: direct vs a proxy that buffers like default nginx"
	}
	for _, u := range urls {
		if _, err := inspector.CheckURL(u); err != nil {
			return UsageError(env, fs, "%v", err)
		}
	}

	sess := inspector.NewSession(inspector.Limits{})
	subCtx, stop := context.WithCancel(ctx)
	defer stop()
	var subs [2]*inspector.Subscription
	for i, name := range [2]string{"direct", "proxied"} {
		req := inspector.Request{URL: urls[i], Method: method, Header: header, Body: body,
			LastEventID: *lastID, ReadTimeout: *readTimeout, Name: name}
		sub, err := inspector.Subscribe(subCtx, sess, req, inspector.Hooks{})
		if err != nil {
			fmt.Fprintf(env.Stderr, "sseinspector compare: %s: %v\n", name, err)
			return ExitFailure
		}
		subs[i] = sub
	}
	fmt.Fprintf(env.Stderr, "comparing for %s (Ctrl-C to stop early)\n  direct:  %s\n  proxied: %s\n",
		*duration, urls[0], urls[1])

	// Both streams failing for good (a 404, a wrong Content-Type) leaves
	// nothing to wait for.
	bothDone := make(chan struct{})
	go func() {
		<-subs[0].Done()
		<-subs[1].Done()
		close(bothDone)
	}()
	timer := time.NewTimer(*duration)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-bothDone:
	case <-ctx.Done():
		fmt.Fprintln(env.Stderr, "interrupted: analysing what was recorded")
	}
	stop()
	<-bothDone

	snap := sess.Snapshot()
	opts.Reference = subs[0].Lane().ID()
	report := diagnose.Analyze(snap, opts)
	if out != "" {
		if err := inspector.SaveSession(out, snap, inspector.SaveOptions{KeepSecrets: *keep}); err != nil {
			fmt.Fprintf(env.Stderr, "sseinspector compare: %v\n", err)
			return ExitFailure
		}
	}
	if err := af.exportImage(snap, report, title); err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector compare: %v\n", err)
		return ExitFailure
	}
	return printReport(env, report, af.json)
}
