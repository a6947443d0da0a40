package lint

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"
)

// hapPair is a frontend and the backend it sends a stream to; for a
// listen section both are the same.
type hapPair struct {
	front, back *hapSection
	why         string
}

func (p hapPair) name() string {
	if p.front == p.back {
		return "listen " + p.back.Name
	}
	return fmt.Sprintf("frontend %s → backend %s", p.front.Name, p.back.Name)
}

// lintHAProxy parses an HAProxy configuration and checks each frontend
// and backend pair that carries streams.
func lintHAProxy(r *Result, name string, src []byte, opts *Options) error {
	if err := r.addSource(name, src); err != nil {
		return err
	}
	secs, err := parseHAProxy(name, string(src))
	if err != nil {
		return fmt.Errorf("haproxy: %w", err)
	}
	for _, p := range hapStreams(secs, opts.Path) {
		r.Streams = append(r.Streams, Stream{Pos: p.back.Pos, Scope: p.name(), Why: p.why})
		checkHAPTimeout(r, p, p.back, "server")
		checkHAPTimeout(r, p, p.front, "client")
		checkHAPCompression(r, p)
		checkHAPCache(r, p)
		checkHAPNoDelay(r, p)
	}
	return nil
}

// hapPathTest matches the path criteria of ACLs and inline conditions.
var hapPathTest = regexp.MustCompile(`^(path|path_beg|path_end|path_dir|path_reg|path_sub|url_beg|base_beg)$`)

// pathTestMatches evaluates an HAProxy path test on path; ok is false
// when the criterion is not a path test.
func pathTestMatches(criterion string, values []string, path string) (match, ok bool) {
	if !hapPathTest.MatchString(criterion) {
		return false, false
	}
	mode := strings.TrimPrefix(strings.TrimPrefix(criterion, "path"), "_")
	mode = strings.TrimPrefix(strings.TrimPrefix(mode, "url_"), "base_")
	var vs []string
	for i := 0; i < len(values); i++ {
		switch v := values[i]; {
		case v == "-m" && i+1 < len(values):
			mode = values[i+1]
			i++
		case v == "-i" || v == "--" || strings.HasPrefix(v, "-") && len(vs) == 0:
		default:
			vs = append(vs, v)
		}
	}
	for _, v := range vs {
		var m bool
		switch mode {
		case "beg":
			m = strings.HasPrefix(path, v)
		case "end":
			m = strings.HasSuffix(path, v)
		case "dir":
			m = path == v || strings.HasPrefix(path, strings.TrimSuffix(v, "/")+"/")
		case "sub":
			m = strings.Contains(path, v)
		case "reg":
			re, err := regexp.Compile(v)
			m = err == nil && re.MatchString(path)
		default:
			m = path == v
		}
		if m {
			return true, true
		}
	}
	return false, true
}

// condition is what a use_backend rule's condition says about a path:
// whether it tests the path at all, whether the test matches, and whether
// it mentions event streams (an Accept header test, a stream-like path).
type condition struct{ testsPath, matches, mentionsStream bool }

func evalCondition(front *hapSection, words []string, path string) condition {
	var c condition
	acls := map[string][]*hapLine{}
	for _, l := range front.Lines {
		if l.Has("acl") && len(l.Words) >= 3 {
			acls[l.Words[1]] = append(acls[l.Words[1]], l)
		}
	}
	test := func(crit string, values []string) {
		if strings.Contains(strings.ToLower(strings.Join(values, " ")), "event-stream") {
			c.mentionsStream = true
		}
		if m, ok := pathTestMatches(crit, values, path); ok {
			c.testsPath = true
			c.matches = c.matches || m
			if streamHint.MatchString(strings.Join(values, " ")) {
				c.mentionsStream = true
			}
		}
	}
	for i := 0; i < len(words); i++ {
		w := strings.TrimPrefix(words[i], "!")
		switch {
		case w == "{":
			j := i + 1
			for j < len(words) && words[j] != "}" {
				j++
			}
			if j > i+1 {
				test(words[i+1], words[i+2:j])
			}
			i = j
		default:
			for _, l := range acls[w] {
				test(l.Words[2], l.Words[3:])
			}
		}
	}
	return c
}

// hapStreams lists the frontend/backend pairs that carry streams: for a
// path, the backend each frontend picks for it; otherwise the pairs whose
// routing or names look like streams, or every pair when none does.
func hapStreams(secs []*hapSection, path string) []hapPair {
	backends := map[string]*hapSection{}
	for _, s := range secs {
		if s.Kind == "backend" {
			backends[s.Name] = s
		}
	}
	var hinted, all []hapPair
	for _, f := range secs {
		switch f.Kind {
		case "listen":
			p := hapPair{front: f, back: f, why: "it proxies to its servers"}
			switch {
			case path != "":
				p.why = "it serves " + path
				hinted = append(hinted, p)
			case streamHint.MatchString(f.Name):
				p.why = "its name suggests streams"
				hinted = append(hinted, p)
			default:
				all = append(all, p)
			}
			continue
		case "frontend":
		default:
			continue
		}
		picked := false
		for _, l := range f.Lines {
			if !l.Has("use_backend") || len(l.Words) < 2 || backends[l.Words[1]] == nil {
				continue
			}
			p := hapPair{front: f, back: backends[l.Words[1]]}
			c := evalCondition(f, l.Words[2:], path)
			switch {
			case path != "" && c.testsPath && c.matches && !picked:
				p.why, picked = "its use_backend rule picks it for "+path, true
				hinted = append(hinted, p)
			case path != "":
			case c.mentionsStream || streamHint.MatchString(p.back.Name):
				p.why = "its routing or name suggests streams"
				hinted = append(hinted, p)
			default:
				p.why = "it proxies to an upstream (give --path to name the stream's)"
				all = append(all, p)
			}
		}
		if l := f.find("default_backend"); l != nil && len(l.Words) > 1 && backends[l.Words[1]] != nil {
			p := hapPair{front: f, back: backends[l.Words[1]], why: "it is the default backend"}
			switch {
			case path != "" && !picked:
				p.why = "it is the default backend, which serves " + path
				hinted = append(hinted, p)
			case path == "" && streamHint.MatchString(p.back.Name):
				p.why = "its name suggests streams"
				hinted = append(hinted, p)
			case path == "":
				all = append(all, p)
			}
		}
	}
	if len(hinted) > 0 || path != "" {
		return hinted
	}
	return all
}

// inherited returns the last line starting with words in the section or,
// failing that, in the defaults it inherits.
func inherited(s *hapSection, words ...string) (*hapLine, *hapSection) {
	for sec := s; sec != nil; sec = sec.Defaults {
		if l := sec.find(words...); l != nil {
			return l, sec
		}
	}
	return nil, nil
}

// parseHAProxyTime reads an HAProxy time: a number in milliseconds or
// with a unit (us, ms, s, m, h, d).
func parseHAProxyTime(v string) (time.Duration, error) {
	i := 0
	for i < len(v) && v[i] >= '0' && v[i] <= '9' {
		i++
	}
	n, err := strconv.ParseInt(v[:i], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("bad time %q", v)
	}
	units := map[string]time.Duration{"": time.Millisecond, "us": time.Microsecond, "ms": time.Millisecond,
		"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}
	u, ok := units[v[i:]]
	if !ok {
		return 0, fmt.Errorf("bad time unit in %q", v)
	}
	return time.Duration(n) * u, nil
}

// checkHAPTimeout checks timeout server (side "server", in the backend)
// or timeout client (side "client", in the frontend): both count from the
// last byte in either direction, and timeout tunnel does not apply to a
// stream that never upgrades.
func checkHAPTimeout(r *Result, p hapPair, sec *hapSection, side string) {
	l, from := inherited(sec, "timeout", side)
	if l == nil || len(l.Words) < 3 {
		return
	}
	d, err := parseHAProxyTime(l.Words[2])
	if err != nil || d >= 5*time.Minute {
		return
	}
	where := from.Kind
	if from.Name != "" {
		where += " " + from.Name
	}
	if from != sec {
		where = "inherited from " + where
	}
	f := Finding{ID: "idle-timeout", Severity: diagnose.SeverityInfo, Pos: l.Pos[2], Scope: p.name(),
		Setting: fmt.Sprintf("%s %s has timeout %s %s (%s)", sec.Kind, sec.Name, side, l.Words[2], where),
		Title:   fmt.Sprintf("HAProxy closes the stream %s after its last byte (timeout %s)", fmtDuration(d), side),
		Reason: "timeout " + side + " counts from the last byte in either direction: a stream silent for longer is cut, " +
			"and EventSource reconnects. timeout tunnel does not help: it applies only after an upgrade.",
		Fix: diagnose.HeartbeatFix(d)}
	if d < minSafeTimeout {
		f.Severity = diagnose.SeverityWarning
		f.Fix += fmt.Sprintf("\nThe patch sets timeout %s 1h in %s %s.", side, sec.Kind, sec.Name)
		if from == sec {
			f.Edits = []Edit{r.replaceSpan(l.Pos[2].File, l.Pos[2].Line, l.Pos[2].Column, l.Pos[2].Column+len(l.Words[2])-1, "1h")}
		} else {
			f.Edits = []Edit{hapInsert(r, sec, "timeout "+side+" 1h")}
		}
	}
	r.add(f)
}

// hapInsert returns the edit adding a line at the top of a section,
// indented as its first line.
func hapInsert(r *Result, sec *hapSection, text string) Edit {
	indent := "    "
	if len(sec.Lines) > 0 {
		indent = indentOf(r.line(sec.Lines[0].Pos[0].File, sec.Lines[0].Pos[0].Line))
	}
	return insertAfter(sec.Pos.File, sec.Pos.Line, indent, text)
}

// compressesEventStream reports whether HAProxy compression types cover
// text/event-stream: types match as prefixes, and no type list at all
// compresses every type.
func compressesEventStream(types []string) (bool, int) {
	if len(types) == 0 {
		return true, -1
	}
	for i, t := range types {
		if strings.HasPrefix("text/event-stream", strings.ToLower(t)) {
			return true, i
		}
	}
	return false, -1
}

// safeCompressionTypes is what a patch leaves compressed.
const safeCompressionTypes = "text/html text/plain text/css application/javascript application/json"

func checkHAPCompression(r *Result, p hapPair) {
	for _, sec := range []*hapSection{p.back, p.front} {
		algo, _ := inherited(sec, "compression", "algo")
		if algo == nil {
			continue
		}
		typesLine, _ := inherited(sec, "compression", "type")
		var types []string
		if typesLine != nil {
			types = typesLine.Words[2:]
		}
		yes, at := compressesEventStream(types)
		if !yes {
			continue
		}
		f := Finding{ID: "proxy-compression", Severity: diagnose.SeverityWarning, Pos: algo.Pos[0], Scope: p.name(),
			Title:  "HAProxy compresses the event stream (compression algo with text/event-stream in its types)",
			Reason: "A compressor emits output only when a block fills or it is flushed: events wait for the next ones.",
			Fix:    "Leave text/event-stream out of compression type (types match as prefixes: text/ covers it; no type list compresses everything)."}
		if typesLine == nil {
			f.Setting = fmt.Sprintf("%s %s has %s and no compression type, which compresses every type", sec.Kind, sec.Name, strings.Join(algo.Words, " "))
			f.Edits = []Edit{insertAfter(algo.Pos[0].File, algo.Pos[0].Line, indentOf(r.line(algo.Pos[0].File, algo.Pos[0].Line)), "compression type "+safeCompressionTypes)}
		} else {
			f.Pos = typesLine.Pos[2+at]
			f.Setting = fmt.Sprintf("%s %s has %s", sec.Kind, sec.Name, strings.Join(typesLine.Words, " "))
			var keep []string
			for i, t := range types {
				if i != at {
					keep = append(keep, t)
				}
			}
			if len(keep) == 0 {
				keep = []string{safeCompressionTypes}
			}
			f.Edits = []Edit{r.replaceLine(typesLine.Pos[0].File, typesLine.Pos[0].Line, "compression type "+strings.Join(keep, " "))}
		}
		r.add(f)
		return
	}
}

func checkHAPCache(r *Result, p hapPair) {
	for _, sec := range []*hapSection{p.back, p.front} {
		for _, l := range sec.Lines {
			if !l.Has("http-response", "cache-store") ||
				strings.Contains(strings.ToLower(strings.Join(l.Words, " ")), "event-stream") {
				continue // a condition on the content type keeps streams out
			}
			f := Finding{ID: "cached-stream", Severity: diagnose.SeverityWarning, Pos: l.Pos[0], Scope: p.name(),
				Setting: fmt.Sprintf("%s %s has %s", sec.Kind, sec.Name, strings.Join(l.Words, " ")),
				Title:   "HAProxy's cache stores the event stream (http-response cache-store)",
				Reason:  "A cached stream is replayed instead of live.",
				Fix:     "Keep event streams out of the cache:\n    http-response cache-store NAME unless { res.hdr(content-type) -m beg text/event-stream }"}
			if len(l.Words) == 3 {
				f.Edits = []Edit{r.replaceLine(l.Pos[0].File, l.Pos[0].Line,
					strings.Join(l.Words, " ")+" unless { res.hdr(content-type) -m beg text/event-stream }")}
			}
			r.add(f)
		}
	}
}

// checkHAPNoDelay flags an HTTP stream without option http-no-delay:
// HAProxy then sends with MSG_MORE while it expects more of a message, and
// the kernel holds each small write up to 200 ms to merge it with the
// next, so events arrive late and in batches.
func checkHAPNoDelay(r *Result, p hapPair) {
	mode, _ := inherited(p.back, "mode")
	if mode == nil || len(mode.Words) < 2 || !strings.EqualFold(mode.Words[1], "http") {
		return
	}
	for _, sec := range []*hapSection{p.back, p.front} {
		if l, _ := inherited(sec, "option", "http-no-delay"); l != nil {
			return
		}
	}
	r.add(Finding{ID: "proxy-buffering", Severity: diagnose.SeverityWarning, Pos: p.back.Pos, Scope: p.name(),
		Setting: fmt.Sprintf("%s %s is in mode http without option http-no-delay", p.back.Kind, p.back.Name),
		Title:   "HAProxy holds small writes of the stream to merge them (no option http-no-delay)",
		Reason: "In HTTP mode HAProxy sends a message it has not finished with MSG_MORE, so the kernel holds each " +
			"event up to 200 ms waiting for more: the headers and the first events arrive late and in batches.",
		Fix:   "In the backend that serves the stream:\n    option http-no-delay",
		Edits: []Edit{hapInsert(r, p.back, "option http-no-delay")}})
}
