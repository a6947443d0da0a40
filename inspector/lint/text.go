package lint

import (
	"fmt"
	"io"
	"strings"
)

// WriteText writes the result for people: each finding with its place,
// the setting in force, the reason and the fix, then the stream places
// checked.
func (r *Result) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%s: %s [%s] %s\n", f.Pos, f.Severity, f.ID, f.Title)
		fmt.Fprintf(&b, "    setting: %s\n", f.Setting)
		fmt.Fprintf(&b, "    why:     %s\n", f.Reason)
		b.WriteString("    fix:     " + strings.ReplaceAll(f.Fix, "\n", "\n             ") + "\n")
		for _, e := range f.Evidence {
			fmt.Fprintf(&b, "    run:     %s\n", e)
		}
	}
	switch {
	case len(r.Streams) == 0:
		fmt.Fprintf(&b, "%s: no place in this %s configuration proxies a stream; nothing checked\n", strings.Join(r.Files, ", "), r.Format)
	default:
		fmt.Fprintf(&b, "Checked as stream places (%s):\n", r.Format)
		for _, s := range r.Streams {
			fmt.Fprintf(&b, "    %s %s: %s\n", s.Pos, s.Scope, s.Why)
		}
	}
	warnings := 0
	for _, f := range r.Findings {
		if f.Severity > 0 {
			warnings++
		}
	}
	switch {
	case warnings > 0:
		fmt.Fprintf(&b, "%d warning(s); --patch prints the change as a diff for patch -p0.\n", warnings)
	case len(r.Streams) > 0:
		b.WriteString("No setting that breaks event streams.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
