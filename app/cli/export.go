package cli

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/app/cmdline"
	"github.com/sseinspector/sseinspector/app/plot"
	"github.com/sseinspector/sseinspector/app/timeline"
	"github.com/sseinspector/sseinspector/inspector"
)

// Largest image the export draws, per side.
const maxExportSide = 16384

func runExport(ctx context.Context, env *Env, fs *flag.FlagSet, args []string) int {
	var output string
	out := &output
	cmdline.StringVar(fs, out, "output", "", "image `FILE` to write; its extension picks the format (."+strings.Join(plot.Formats(), ", .")+")")
	width := fs.Int("width", 1600, "image width in `pixels`")
	height := fs.Int("height", 900, "image height in `pixels`")
	from := fs.String("from", "", "start of the time range shown, since the session's start (`duration` such as 2s or 1m30s; default 0)")
	to := fs.String("to", "", "end of the time range shown (`duration`; default the session's end)")
	title := fs.String("title", "", "title drawn on the image (default: the session file's name)")
	reference := fs.String("reference", "", "`lane` (name or ID) the others are compared with (default: the lane named \"direct\", if any)")
	positional, done, code := ParseFlags(env, fs, args)
	if done {
		return code
	}
	switch {
	case len(positional) != 1:
		return UsageError(env, fs, "want one session file, got %d arguments", len(positional))
	case *out == "":
		return UsageError(env, fs, "missing -o FILE.png or -o FILE.svg")
	case *width <= 0 || *height <= 0 || *width > maxExportSide || *height > maxExportSide:
		return UsageError(env, fs, "image size %dx%d: each side must be between 1 and %d", *width, *height, maxExportSide)
	}
	if _, err := plot.NewFormat(*out, 1, 1); err != nil {
		return UsageError(env, fs, "-o %s: %v", *out, err)
	}
	var rangeFrom, rangeTo time.Duration
	var err error
	if rangeFrom, err = parseOffset("--from", *from); err != nil {
		return UsageError(env, fs, "%v", err)
	}
	if rangeTo, err = parseOffset("--to", *to); err != nil {
		return UsageError(env, fs, "%v", err)
	}
	if *to != "" && rangeTo <= rangeFrom {
		return UsageError(env, fs, "--to %s is not after --from %s", *to, *from)
	}

	path := positional[0]
	// A recording cut short (a killed process) still holds what it saw.
	sess, err := inspector.LoadSession(path, inspector.LoadOptions{Partial: true})
	if sess == nil {
		fmt.Fprintf(env.Stderr, "sseinspector export: %v\n", err)
		return ExitFailure
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector export: warning: %v; drawing what was read\n", err)
	}
	snap := sess.Snapshot()
	d := &timeline.Data{Title: *title, Snapshot: snap}
	if d.Title == "" {
		d.Title = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	if d.RefLane, err = referenceLane(snap, *reference); err != nil {
		return UsageError(env, fs, "%v", err)
	}
	d.Delays, d.Matches, d.Findings = analyzeForTimeline(snap, d.RefLane)
	for _, f := range d.Findings {
		d.Highlight = append(d.Highlight, f.Events...)
	}

	v := timeline.FitView(d, float64(*width), float64(*height))
	if *from != "" {
		v.From = rangeFrom
	}
	if *to != "" {
		v.To = rangeTo
	}
	if v.To <= v.From {
		return UsageError(env, fs, "--from %s is after the session's end (%v)", *from, snap.End())
	}
	if err := timeline.ExportView(*out, d, v); err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector export: %v\n", err)
		return ExitFailure
	}
	var events int64
	for _, l := range snap.Lanes {
		events += l.TotalEvents()
	}
	fmt.Fprintf(env.Stdout, "wrote %s (%dx%d, %d lanes, %d events, %v to %v)\n", *out, *width, *height,
		len(snap.Lanes), events, v.From, v.To.Round(time.Millisecond))
	return ExitOK
}

// analyzeForTimeline computes what the timeline draws besides the
// recording: per-event delays by lane, the matches with the reference
// lane, and the diagnosis' findings, exactly as compare and the desktop
// view do.
func analyzeForTimeline(snap *inspector.Snapshot, refLane int) (map[int][]diagnose.Delay, []diagnose.Match, []diagnose.Finding) {
	r := diagnose.Analyze(snap, diagnose.Options{Reference: refLane})
	return r.Delays, r.Matches, r.Findings
}

// referenceLane resolves --reference (a lane ID or name, any case); empty
// means the lane named "direct", or none.
func referenceLane(snap *inspector.Snapshot, ref string) (int, error) {
	if ref == "" {
		ref = "direct"
		for _, l := range snap.Lanes {
			if strings.EqualFold(l.Info.Name, ref) {
				return l.Info.ID, nil
			}
		}
		return 0, nil
	}
	id, err := resolveLane(snap, ref)
	if err != nil {
		return 0, fmt.Errorf("--reference: %w", err)
	}
	return id, nil
}

// parseOffset parses a time since the session's start; empty means unset.
func parseOffset(name, s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%s %q: want a duration such as 2s, 1500ms or 1m30s", name, s)
	}
	if d < 0 {
		return 0, fmt.Errorf("%s %s: must not be negative", name, s)
	}
	return d, nil
}
