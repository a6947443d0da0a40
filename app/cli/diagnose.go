package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/diagnose"
)

// runDiagnose analyses a saved session; see analysis.go for the output
// and the exit codes.
func runDiagnose(ctx context.Context, env *Env, fs *flag.FlagSet, args []string) int {
	var af analysisFlags
	af.register(fs, true)
	chainFlag := fs.String("chain", "", "analyse these lanes as a chain, origin first: comma-separated lane `names or IDs` (a session saved by compare with three URLs or more)")
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
	rec := loadRecording(env, "diagnose", path, "analysing")
	if rec == nil {
		return ExitFailure
	}
	snap := rec.snap
	opts, err := af.options(snap)
	if err != nil {
		return UsageError(env, fs, "%v", err)
	}
	switch {
	case *chainFlag != "":
		if opts.Chain, err = resolveChain(snap, *chainFlag); err != nil {
			return UsageError(env, fs, "%v", err)
		}
		opts.Reference = opts.Chain[0]
	case len(rec.chains) > 0 && opts.Reference == 0:
		// A capture taken on a proxy: its two sides are a chain.
		opts.Chain = rec.chains[0]
	}
	report := diagnose.Analyze(snap, opts)
	if err := af.exportImage(snap, report, "session "+path); err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector diagnose: %v\n", err)
		return ExitFailure
	}
	if err := af.writeJUnit("diagnose", report, opts); err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector diagnose: %v\n", err)
		return ExitFailure
	}
	return printReport(env, report, af.json)
}

// resolveChain reads --chain: two lanes or more, by name or ID, each once.
func resolveChain(snap *inspector.Snapshot, list string) ([]int, error) {
	var ids []int
	seen := make(map[int]bool)
	for _, ref := range strings.Split(list, ",") {
		id, err := resolveLane(snap, strings.TrimSpace(ref))
		if err != nil {
			return nil, fmt.Errorf("--chain: %w", err)
		}
		if seen[id] {
			return nil, fmt.Errorf("--chain: lane %q is named twice", ref)
		}
		seen[id] = true
		ids = append(ids, id)
	}
	if len(ids) < 2 {
		return nil, fmt.Errorf("--chain: want two lanes or more, origin first; got %q", list)
	}
	return ids, nil
}
