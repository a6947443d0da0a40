package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/app/timeline"
	"github.com/sseinspector/sseinspector/inspector"
)

// The compare and diagnose commands print the same report and exit the
// same way; the README copies this description.
//
// Output: the per-lane figures (events, bytes, time to headers and to the
// first event, events/s), the per-event delay p50/p95/max of every lane
// and source, the bursts, the disconnects, and then the findings with
// their evidence and fixes, or "No problems found." With --json, the
// diagnose.Report object instead:
//
//	{"start": ..., "durationMs": ..., "reference": "direct", "laneOrder": [...],
//	 "lanes": {"<name>": {"id", "name", "kind", "role", "url", "status", "proto", "headers",
//	                      "connections", "events", "bytes", "wireBytes", "timeToHeadersMs",
//	                      "timeToFirstEventMs", "eventsPerSecond", "comments", "matching",
//	                      "bursts", "disconnects"}},
//	 "delay": {"<name>": {"source", "count", "p50Ms", "p95Ms", "maxMs", "sources": {...}}},
//	 "findings": [{"id", "severity", "title", "confidence", "evidence", "fix", "lanes", "events"}],
//	 "problems": true}
//
// Exit codes: 0 when no finding is a warning or worse (info notes may be
// listed), 3 (ExitFindings) when at least one is, 2 on bad usage, 1 on
// other errors (a session that cannot be read, a stream that cannot be
// subscribed to).

// analysisFlags are the flags that tune an analysis.
type analysisFlags struct {
	json       bool
	png        string
	stampField string
	stampUnit  string
	stampRegex string
	reference  string
	junit      string
}

func (a *analysisFlags) register(fs *flag.FlagSet, withReference bool) {
	fs.BoolVar(&a.json, "json", false, "print the report as one JSON object")
	fs.StringVar(&a.png, "png", "", "also draw the timeline, with the findings, to this `file` (.png or .svg)")
	fs.StringVar(&a.stampField, "stamp-field", "", "JSON `field` of the event data holding its send time (dotted path; default: the built-in origin's \"sent\")")
	fs.StringVar(&a.stampUnit, "stamp-unit", "", "`unit` of a numeric send time: s, ms, us or ns (default: guessed from its size)")
	fs.StringVar(&a.stampRegex, "stamp-regex", "", "regular `expression` finding the send time in the event data (first group, or the whole match)")
	fs.StringVar(&a.junit, "junit", "", "also write the findings as a JUnit XML report to `file`, one test case per rule and per lane, for CI")
	if withReference {
		fs.StringVar(&a.reference, "reference", "", "`lane` (name or ID) the others are compared with (default: the lane named \"direct\")")
	}
}

// options builds the analysis options; snap resolves --reference.
func (a *analysisFlags) options(snap *inspector.Snapshot) (diagnose.Options, error) {
	opts := diagnose.Options{Stamp: diagnose.StampSpec{Field: a.stampField, Unit: a.stampUnit, Regex: a.stampRegex}}
	if err := opts.Stamp.Validate(); err != nil {
		return opts, err
	}
	if ext := strings.ToLower(filepath.Ext(a.png)); a.png != "" && ext != ".png" && ext != ".svg" {
		return opts, fmt.Errorf("--png %s: the file name must end in .png or .svg", a.png)
	}
	if a.reference != "" && snap != nil {
		id, err := resolveLane(snap, a.reference)
		if err != nil {
			return opts, err
		}
		opts.Reference = id
	}
	return opts, nil
}

// resolveLane finds a lane by ID or by name (any case).
func resolveLane(snap *inspector.Snapshot, ref string) (int, error) {
	if id, err := strconv.Atoi(ref); err == nil && snap.Lane(id) != nil {
		return id, nil
	}
	var names []string
	for _, l := range snap.Lanes {
		if strings.EqualFold(l.Info.Name, ref) {
			return l.Info.ID, nil
		}
		names = append(names, fmt.Sprintf("%d %q", l.Info.ID, l.Info.Name))
	}
	return 0, fmt.Errorf("no such lane %q in the session (lanes: %s)", ref, strings.Join(names, ", "))
}

// loadSession reads a session file for a command, or prints why it
// cannot and returns nil. A recording cut short (a killed process) still
// holds what it saw until then: the command goes on with it ("analysing"
// or "drawing" what was read) after a warning.
func loadSession(env *Env, command, path, doing string) *inspector.Snapshot {
	sess, err := inspector.LoadSession(path, inspector.LoadOptions{Partial: true})
	if sess == nil {
		fmt.Fprintf(env.Stderr, "sseinspector %s: %v\n", command, err)
		return nil
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector %s: warning: %v; %s what was read\n", command, err, doing)
	}
	return sess.Snapshot()
}

// printReport writes the report as text or JSON and returns the exit code
// its findings call for.
func printReport(env *Env, r *diagnose.Report, asJSON bool) int {
	if asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			fmt.Fprintf(env.Stderr, "sseinspector: write report: %v\n", err)
			return ExitFailure
		}
	} else if err := r.WriteText(env.Stdout); err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector: write report: %v\n", err)
		return ExitFailure
	}
	if r.Problems {
		return ExitFindings
	}
	return ExitOK
}

// writeJUnit writes the --junit report, if asked for; name is the
// command ("compare", "diagnose").
func (a *analysisFlags) writeJUnit(name string, r *diagnose.Report, opts diagnose.Options) error {
	if a.junit == "" {
		return nil
	}
	return writeJUnit(a.junit, "sseinspector "+name, r, opts.Rules)
}

// Size of the timeline image --png writes: wide enough for a few hundred
// events to stay apart, the height of a typical two-lane comparison.
const (
	imageWidth  = 1600
	imageHeight = 900
)

// exportImage draws the timeline of the analysed snapshot when --png was
// given: the same drawing as the desktop view, with the findings' events
// highlighted.
func (a *analysisFlags) exportImage(snap *inspector.Snapshot, r *diagnose.Report, title string) error {
	if a.png == "" {
		return nil
	}
	d := &timeline.Data{Title: title, Snapshot: snap, Delays: r.TimelineDelays(), Matches: r.Matches,
		Findings: r.Findings, RefLane: r.ReferenceID}
	for _, f := range r.Findings {
		d.Highlight = append(d.Highlight, f.Events...)
	}
	if err := timeline.Export(a.png, d, imageWidth, imageHeight); err != nil {
		return fmt.Errorf("--png: %w", err)
	}
	return nil
}
