package lint

import (
	"fmt"
	"slices"
	"strings"
)

// patchContext is how many unchanged lines surround each change.
const patchContext = 3

// Patch returns a unified diff that applies every finding's edits, for
// "patch -p0" or "git apply -p0" run where the configuration was named
// (from / for a configuration read from "nginx -T"). It is empty when no
// finding carries an edit.
func (r *Result) Patch() string {
	byFile := map[string][]Edit{}
	var files []string
	for _, f := range r.Findings {
		for _, e := range f.Edits {
			if _, seen := byFile[e.File]; !seen {
				files = append(files, e.File)
			}
			byFile[e.File] = append(byFile[e.File], e)
		}
	}
	var b strings.Builder
	for _, name := range files {
		src, ok := r.sources[name]
		if !ok {
			continue
		}
		header := name
		if p, ok := r.patchName[name]; ok {
			header = p
		}
		b.WriteString(unifiedDiff(header, string(src), byFile[name]))
	}
	return b.String()
}

// Apply returns the file's text with the findings' edits applied, for a
// caller that writes a patched copy instead of running patch.
func (r *Result) Apply(file string) (string, error) {
	src, ok := r.sources[file]
	if !ok {
		return "", fmt.Errorf("apply: %s was not read", file)
	}
	var edits []Edit
	for _, f := range r.Findings {
		for _, e := range f.Edits {
			if e.File == file {
				edits = append(edits, e)
			}
		}
	}
	lines, final := splitLines(string(src))
	edits = normalizeEdits(edits, len(lines))
	var out []string
	next := 0
	for _, e := range edits {
		out = append(out, lines[next:e.Line-1]...)
		out = append(out, e.Text...)
		next = e.Line - 1 + e.Replace
	}
	out = append(out, lines[next:]...)
	text := strings.Join(out, "\n")
	if final && len(out) > 0 {
		text += "\n"
	}
	return text, nil
}

// splitLines splits a text into lines and says whether it ended with a
// newline.
func splitLines(s string) ([]string, bool) {
	if s == "" {
		return nil, true
	}
	final := strings.HasSuffix(s, "\n")
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n"), final
}

// normalizeEdits sorts edits by line and drops those that fall outside
// the file or overlap a replacement before them; insertions at the same
// line keep their order.
func normalizeEdits(edits []Edit, n int) []Edit {
	edits = slices.Clone(edits)
	slices.SortStableFunc(edits, func(a, b Edit) int { return a.Line - b.Line })
	var out []Edit
	end := 1 // first line no earlier edit replaced
	for _, e := range edits {
		if e.Line < end || e.Replace < 0 || e.Line-1+e.Replace > n || e.Line > n+1 {
			continue
		}
		out = append(out, e)
		end = e.Line + e.Replace
	}
	return out
}

// unifiedDiff writes the diff of one file under its edits.
func unifiedDiff(name, src string, edits []Edit) string {
	lines, final := splitLines(src)
	edits = normalizeEdits(edits, len(lines))
	if len(edits) == 0 {
		return ""
	}
	// Group edits whose context would overlap into one hunk.
	var groups [][]Edit
	for _, e := range edits {
		if k := len(groups); k > 0 {
			last := groups[k-1][len(groups[k-1])-1]
			if e.Line-1-patchContext <= last.Line-1+last.Replace+patchContext {
				groups[k-1] = append(groups[k-1], e)
				continue
			}
		}
		groups = append(groups, []Edit{e})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "--- %s\n+++ %s\n", name, name)
	delta := 0
	for _, g := range groups {
		first, last := g[0], g[len(g)-1]
		start := max(0, first.Line-1-patchContext)
		stop := min(len(lines), last.Line-1+last.Replace+patchContext)
		var body strings.Builder
		oldN, newN := 0, 0
		i := start
		emit := func(prefix string, at int) {
			body.WriteString(prefix)
			body.WriteString(lines[at])
			body.WriteByte('\n')
			if at == len(lines)-1 && !final {
				body.WriteString("\\ No newline at end of file\n")
			}
		}
		// keep writes an unchanged line; the file's last line, when it
		// lacks a newline, is replaced by itself with one.
		keep := func(at int) {
			if at == len(lines)-1 && !final {
				emit("-", at)
				body.WriteString("+" + lines[at] + "\n")
			} else {
				emit(" ", at)
			}
			oldN++
			newN++
		}
		for _, e := range g {
			for ; i < e.Line-1; i++ {
				keep(i)
			}
			for k := 0; k < e.Replace; k++ {
				emit("-", i)
				i++
				oldN++
			}
			for _, t := range e.Text {
				body.WriteString("+" + t + "\n")
				newN++
			}
		}
		for ; i < stop; i++ {
			keep(i)
		}
		oldStart, newStart := start+1, start+1+delta
		if oldN == 0 {
			oldStart--
		}
		if newN == 0 {
			newStart--
		}
		fmt.Fprintf(&b, "@@ -%d,%d +%d,%d @@\n", oldStart, oldN, newStart, newN)
		b.WriteString(body.String())
		delta += newN - oldN
	}
	return b.String()
}
