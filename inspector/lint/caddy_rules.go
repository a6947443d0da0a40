package lint

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"
)

// cdProxy is a reverse_proxy with the blocks around it, outermost first
// (the site, then handle, route, ... blocks).
type cdProxy struct {
	d        *cdNode
	chain    []*cdNode
	patterns []string // the path matchers it sits under
	why      string
}

func (p *cdProxy) name() string {
	site := strings.Join(append([]string{p.chain[0].Name}, p.chain[0].Args...), " ")
	if len(p.patterns) == 0 {
		return site + " reverse_proxy"
	}
	return site + " reverse_proxy for " + strings.Join(p.patterns, " ")
}

// lintCaddy parses a Caddyfile and checks every reverse_proxy that
// carries streams.
func lintCaddy(r *Result, name string, src []byte, opts *Options) error {
	p := &cdParser{r: r, opts: opts, base: dirOf(name), snippets: map[string][]*cdNode{}}
	top, err := p.parseFile(name, string(src))
	if err != nil {
		return fmt.Errorf("caddy: %w", err)
	}
	var global *cdNode
	var sites []*cdNode
	for i, n := range top {
		if n.Name == "" && n.HasBlock {
			global = n
			continue
		}
		if n.HasBlock {
			sites = append(sites, n)
			continue
		}
		if len(sites) == 0 {
			// A single site without braces: the rest is its block.
			sites = append(sites, &cdNode{Name: n.Name, Args: n.Args, ArgPos: n.ArgPos, Pos: n.Pos, HasBlock: true, Block: top[i+1:]})
			break
		}
	}
	for _, px := range cdStreams(sites, opts.Path) {
		r.Streams = append(r.Streams, Stream{Pos: px.d.Pos, Scope: px.name(), Why: px.why})
		checkCaddyEncode(r, px)
		checkCaddyReadTimeout(r, px)
		checkCaddyBuffers(r, px)
		checkCaddyWriteTimeout(r, px, global)
	}
	return nil
}

func dirOf(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		return name[:i]
	}
	return "."
}

// wildMatch reports whether s matches a Caddy matcher pattern, in which
// "*" stands for any run of bytes and everything else is literal.
func wildMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, last)
}

// isPathMatcher reports whether a directive's first argument is a path
// matcher rather than an upstream or a named matcher.
func isPathMatcher(a string) bool { return strings.HasPrefix(a, "/") || a == "*" }

// namedPaths returns the path patterns of the named matchers a site
// defines: "@events path /events*" or "@events { path /events* }".
func namedPaths(site *cdNode) map[string][]string {
	out := map[string][]string{}
	for _, n := range site.Block {
		if !strings.HasPrefix(n.Name, "@") {
			continue
		}
		if len(n.Args) > 1 && n.Args[0] == "path" {
			out[n.Name] = append(out[n.Name], n.Args[1:]...)
		}
		for _, s := range n.Block {
			if s.Name == "path" {
				out[n.Name] = append(out[n.Name], s.Args...)
			}
		}
		if _, ok := out[n.Name]; !ok {
			out[n.Name] = nil // a matcher on something else than the path
		}
	}
	return out
}

// matcherOf returns the path patterns a directive's matcher argument
// names, and whether it has one.
func matcherOf(n *cdNode, named map[string][]string) ([]string, bool) {
	if len(n.Args) == 0 {
		return nil, false
	}
	a := n.Args[0]
	switch {
	case isPathMatcher(a):
		return []string{a}, true
	case strings.HasPrefix(a, "@"):
		return named[a], true
	}
	return nil, false
}

// cdProxies lists the reverse_proxy directives of the sites.
func cdProxies(sites []*cdNode) []*cdProxy {
	var out []*cdProxy
	for _, site := range sites {
		named := namedPaths(site)
		var walk func(ns []*cdNode, chain []*cdNode, patterns []string)
		walk = func(ns []*cdNode, chain []*cdNode, patterns []string) {
			for _, n := range ns {
				pats := patterns
				if m, ok := matcherOf(n, named); ok && len(m) > 0 {
					pats = append(slices.Clone(patterns), m...)
				}
				switch n.Name {
				case "reverse_proxy":
					out = append(out, &cdProxy{d: n, chain: chain, patterns: pats})
				case "handle", "handle_path", "route":
					walk(n.Block, append(slices.Clone(chain), n), pats)
				}
			}
		}
		walk(site.Block, []*cdNode{site}, nil)
	}
	return out
}

// matchesAll reports whether path passes every pattern.
func matchesAll(patterns []string, path string) bool {
	for _, p := range patterns {
		if !wildMatch(p, path) {
			return false
		}
	}
	return true
}

// cdStreams picks the reverse_proxy directives that carry streams: the
// most specific one serving path in each site, or those under a path that
// suggests streams, or every one when none does.
func cdStreams(sites []*cdNode, path string) []*cdProxy {
	all := cdProxies(sites)
	if path != "" {
		best := map[*cdNode]*cdProxy{}
		var order []*cdNode
		for _, px := range all {
			if !matchesAll(px.patterns, path) {
				continue
			}
			site := px.chain[0]
			cur, seen := best[site]
			if !seen {
				order = append(order, site)
			}
			if !seen || len(strings.Join(px.patterns, "")) > len(strings.Join(cur.patterns, "")) {
				best[site] = px
			}
		}
		var out []*cdProxy
		for _, s := range order {
			best[s].why = "it serves " + path
			out = append(out, best[s])
		}
		return out
	}
	var hinted []*cdProxy
	for _, px := range all {
		if streamHint.MatchString(strings.Join(px.patterns, " ")) {
			px.why = "its path suggests a stream"
			hinted = append(hinted, px)
		} else {
			px.why = "it proxies to an upstream (give --path to name the stream's)"
		}
	}
	if len(hinted) > 0 {
		return hinted
	}
	return all
}

// safeEncodeTypes are what a patched encode still compresses.
var safeEncodeTypes = []string{"text/html*", "text/plain*", "text/css*", "text/javascript*",
	"application/json*", "application/javascript*", "image/svg+xml*"}

// coversEventStream reports whether a Content-Type pattern of a response
// matcher covers text/event-stream.
func coversEventStream(p string) bool {
	return wildMatch(strings.ToLower(p), "text/event-stream")
}

// checkCaddyEncode flags an encode directive over the stream whose
// response matcher (by default every text/* type) covers event streams.
func checkCaddyEncode(r *Result, p *cdProxy) {
	named := namedPaths(p.chain[0])
	for i := len(p.chain) - 1; i >= 0; i-- {
		for _, n := range p.chain[i].Block {
			if n.Name != "encode" {
				continue
			}
			if m, ok := matcherOf(n, named); ok && len(m) > 0 && !matchesAll(m, streamPath(p)) {
				continue
			}
			var match *cdNode
			for _, s := range n.Block {
				if s.Name == "match" {
					match = s
				}
			}
			if match != nil && !cdMatchCovers(match) {
				continue
			}
			f := Finding{ID: "proxy-compression", Severity: diagnose.SeverityWarning, Pos: n.Pos, Scope: p.name(),
				Setting: fmt.Sprintf("%s is under %s, which compresses text/* responses", p.name(), strings.TrimSpace("encode "+strings.Join(n.Args, " "))),
				Title:   "Caddy compresses the event stream (encode)",
				Reason: "encode compresses text/* responses, text/event-stream included, once they pass 512 bytes: " +
					"a compressor emits output only when a block fills or it is flushed.",
				Fix: "Give encode a response matcher that leaves text/event-stream out:\n    encode gzip {\n        match {\n" +
					"            header Content-Type text/html*\n            ...\n        }\n    }"}
			if match == nil {
				f.Edits = []Edit{r.cdEncodeEdit(n)}
			}
			r.add(f)
			return
		}
	}
}

// streamPath returns a path the reverse_proxy serves, for matching
// directives around it: the first pattern with its wildcard removed.
func streamPath(p *cdProxy) string {
	for _, pat := range p.patterns {
		return strings.ReplaceAll(pat, "*", "")
	}
	return "/"
}

// cdMatchCovers reports whether an encode match block lets
// text/event-stream through (it has no Content-Type test, or one covering it).
func cdMatchCovers(match *cdNode) bool {
	tested := false
	for _, s := range match.Block {
		if s.Name == "header" && len(s.Args) > 0 && strings.EqualFold(s.Args[0], "Content-Type") {
			tested = true
			for _, v := range s.Args[1:] {
				if coversEventStream(v) {
					return true
				}
			}
		}
	}
	return !tested
}

// cdEncodeEdit gives an encode directive a match block listing the
// common compressible types but event streams.
func (r *Result) cdEncodeEdit(n *cdNode) Edit {
	file := n.Pos.File
	indent := indentOf(r.line(file, n.Pos.Line))
	var lines []string
	lines = append(lines, indent+"\tmatch {")
	for _, t := range safeEncodeTypes {
		lines = append(lines, indent+"\t\theader Content-Type "+t)
	}
	lines = append(lines, indent+"\t}")
	if n.HasBlock {
		return Edit{File: file, Line: n.Open.Line + 1, Text: lines}
	}
	first := indent + strings.Join(append([]string{"encode"}, n.Args...), " ") + " {"
	return Edit{File: file, Line: n.Pos.Line, Replace: 1, Text: append(append([]string{first}, lines...), indent+"}")}
}

// cdSub returns the subdirectives of a reverse_proxy's transport http
// block or of the reverse_proxy block itself with the name.
func cdSub(n *cdNode, name string) []*cdNode {
	var out []*cdNode
	for _, s := range n.Block {
		if s.Name == name {
			out = append(out, s)
		}
		if s.Name == "transport" {
			out = append(out, cdSub(s, name)...)
		}
	}
	return out
}

func checkCaddyReadTimeout(r *Result, p *cdProxy) {
	for _, s := range cdSub(p.d, "read_timeout") {
		if len(s.Args) != 1 {
			continue
		}
		d, err := time.ParseDuration(s.Args[0])
		if err != nil || d <= 0 || d >= 5*time.Minute {
			continue
		}
		f := Finding{ID: "idle-timeout", Severity: diagnose.SeverityInfo, Pos: s.ArgPos[0], Scope: p.name(),
			Setting: fmt.Sprintf("%s has transport http read_timeout %s", p.name(), s.Args[0]),
			Title:   fmt.Sprintf("Caddy gives up on the upstream %s after its last byte (read_timeout)", fmtDuration(d)),
			Reason:  "read_timeout bounds each read from the upstream: a stream silent for longer is cut and EventSource reconnects.",
			Fix:     diagnose.HeartbeatFix(d)}
		if d < minSafeTimeout {
			f.Severity = diagnose.SeverityWarning
			f.Fix += "\nThe patch raises it to an hour."
			at := s.ArgPos[0]
			f.Edits = []Edit{r.replaceSpan(at.File, at.Line, at.Column, at.Column+len(s.Args[0])-1, "1h")}
		}
		r.add(f)
	}
}

func checkCaddyBuffers(r *Result, p *cdProxy) {
	for _, name := range []string{"buffer_responses", "response_buffers"} {
		for _, s := range cdSub(p.d, name) {
			r.add(Finding{ID: "proxy-buffering", Severity: diagnose.SeverityWarning, Pos: s.Pos, Scope: p.name(),
				Setting: fmt.Sprintf("%s has %s", p.name(), strings.Join(append([]string{s.Name}, s.Args...), " ")),
				Title:   "Caddy buffers the upstream's responses (" + name + ")",
				Reason:  "Buffered responses are read into memory before they are sent: events wait for the buffer or the end.",
				Fix:     "Remove " + name + " from the reverse_proxy that serves the stream.",
				Edits:   []Edit{{File: s.Pos.File, Line: s.Pos.Line, Replace: 1}}})
		}
	}
}

// checkCaddyWriteTimeout flags the servers option timeouts { write }: it
// bounds the whole response, so every stream ends that long after its
// request.
func checkCaddyWriteTimeout(r *Result, p *cdProxy, global *cdNode) {
	if global == nil {
		return
	}
	for _, servers := range global.Block {
		if servers.Name != "servers" {
			continue
		}
		for _, s := range cdSub(servers, "timeouts") {
			for _, w := range s.Block {
				if w.Name != "write" || len(w.Args) != 1 {
					continue
				}
				if d, err := time.ParseDuration(w.Args[0]); err == nil && d <= 0 {
					continue
				}
				r.add(Finding{ID: "fixed-lifetime", Severity: diagnose.SeverityWarning, Pos: w.Pos, Scope: p.name(),
					Setting: fmt.Sprintf("the servers option timeouts { write %s }", w.Args[0]),
					Title:   "Caddy ends every response " + w.Args[0] + " after its request (servers timeouts write)",
					Reason:  "The write timeout bounds the whole response, however many events flow: every stream is cut and reconnects.",
					Fix:     "Remove the write timeout (or set it to 0) for the server that carries streams.",
					Edits:   []Edit{{File: w.Pos.File, Line: w.Pos.Line, Replace: 1}}})
			}
		}
	}
}
