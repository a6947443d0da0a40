package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/inspector"
)

// runDiagnose analyses a saved session; see analysis.go for the output
// and the exit codes.
func runDiagnose(ctx context.Context, env *Env, fs *flag.FlagSet, args []string) int {
	var af analysisFlags
	af.register(fs, true)
	rest, done, code := ParseFlags(env, fs, args)
	if done {
		return code
	}
	if len(rest) != 1 {
		return UsageError(env, fs, "want one session file, got %d arguments", len(rest))
	}
	if _, err := af.options(nil); err != nil {
		return UsageError(env, fs, "%v", err)
	}
	path := rest[0]
	// A recording cut short (a killed process) still holds what it saw
	// until then, which is worth analysing.
	sess, err := inspector.LoadSession(path, inspector.LoadOptions{Partial: true})
	if sess == nil {
		fmt.Fprintf(env.Stderr, "sseinspector diagnose: %v\n", err)
		return ExitFailure
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector diagnose: warning: %v; analysing what was read\n", err)
	}
	snap := sess.Snapshot()
	opts, err := af.options(snap)
	if err != nil {
		return UsageError(env, fs, "%v", err)
	}
	report := diagnose.Analyze(snap, opts)
	if err := af.exportImage(snap, report, "session "+path); err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector diagnose: %v\n", err)
		return ExitFailure
	}
	return printReport(env, report, af.json)
}
