package cli

import (
	"context"
	"fmt"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/inspector"
)

func init() {
	Register(&Command{
		Name:    "diagnose",
		Usage:   "[flags] SESSION",
		Summary: "analyse a saved session (compare or tap) and name what delays or drops its events",
		Run:     runDiagnose,
	})
}

// runDiagnose analyses a saved session; see analysis.go for the output
// and the exit codes.
func runDiagnose(ctx context.Context, env *Env, args []string) int {
	fs := NewFlagSet(env, Lookup("diagnose"))
	var af analysisFlags
	af.register(fs, true)
	if done, code := ParseFlags(env, fs, args); done {
		return code
	}
	if fs.NArg() != 1 {
		return UsageError(env, fs, "want one session file, got %d arguments", fs.NArg())
	}
	if _, err := af.options(nil); err != nil {
		return UsageError(env, fs, "%v", err)
	}
	path := fs.Arg(0)
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
