package lint

import (
	"regexp"
	"slices"
	"strings"
)

// ngxScope is a location with the blocks around it, outermost first:
// http, server, location (and nested locations).
type ngxScope struct {
	chain []*ngxDirective
	why   string
	rank  int
}

func (s *ngxScope) loc() *ngxDirective { return s.chain[len(s.chain)-1] }

// name is how findings name the location: "location /events".
func (s *ngxScope) name() string {
	l := s.loc()
	return strings.TrimSpace(l.Name + " " + strings.Join(l.Args, " "))
}

// lookup returns the directive in force for a location: the last one with
// that name in the innermost block that has one, as nginx inherits
// http → server → location (a block that sets a directive, even an array
// one like proxy_set_header, replaces what it would inherit).
func (s *ngxScope) lookup(name string) *ngxDirective {
	for i := len(s.chain) - 1; i >= 0; i-- {
		if d := lastNamed(s.chain[i].Block, name); d != nil {
			return d
		}
	}
	return nil
}

// lookupAll returns every directive with the name in the innermost block
// that has one.
func (s *ngxScope) lookupAll(name string) []*ngxDirective {
	for i := len(s.chain) - 1; i >= 0; i-- {
		var out []*ngxDirective
		for _, d := range s.chain[i].Block {
			if d.Name == name {
				out = append(out, d)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

func lastNamed(ds []*ngxDirective, name string) *ngxDirective {
	for i := len(ds) - 1; i >= 0; i-- {
		if ds[i].Name == name {
			return ds[i]
		}
	}
	return nil
}

// passModules maps the directives that hand a request to an upstream to
// the prefix of their module's settings (proxy_buffering,
// fastcgi_buffering, ...).
var passModules = map[string]string{"proxy_pass": "proxy_", "fastcgi_pass": "fastcgi_", "uwsgi_pass": "uwsgi_", "scgi_pass": "scgi_"}

// passPrefix returns the settings prefix of the module a location passes
// requests to an upstream with (directly or inside an if block), or "".
func passPrefix(loc *ngxDirective) string {
	for _, d := range loc.Block {
		if p, ok := passModules[d.Name]; ok {
			return p
		}
		if d.Name == "if" {
			if p := passPrefix(d); p != "" {
				return p
			}
		}
	}
	return ""
}

// proxies reports whether a location passes requests to an upstream.
func proxies(loc *ngxDirective) bool { return passPrefix(loc) != "" }

// ngxLocations lists every location, nested ones included, with its
// chain of enclosing blocks.
func ngxLocations(top []*ngxDirective) []*ngxScope {
	root := &ngxDirective{Name: "main", IsBlock: true, Block: top}
	var out []*ngxScope
	var walk func(chain []*ngxDirective)
	walk = func(chain []*ngxDirective) {
		for _, d := range chain[len(chain)-1].Block {
			if !d.IsBlock {
				continue
			}
			switch d.Name {
			case "http", "server":
				walk(append(slices.Clone(chain), d))
			case "location":
				c := append(slices.Clone(chain), d)
				out = append(out, &ngxScope{chain: c})
				walk(c)
			}
		}
	}
	walk([]*ngxDirective{root})
	return out
}

// streamHint matches location paths that suggest an event stream.
var streamHint = regexp.MustCompile(`(?i)event|sse|stream|subscri|live|push|notif|updates|realtime|mercure`)

// hasStreamSettings reports whether a location already carries settings
// people add for streams: a sign that it is the stream's.
func hasStreamSettings(loc *ngxDirective) bool {
	for _, d := range loc.Block {
		a := strings.ToLower(strings.Join(d.Args, " "))
		switch d.Name {
		case "proxy_buffering", "fastcgi_buffering", "uwsgi_buffering", "scgi_buffering", "proxy_cache", "fastcgi_cache", "gzip":
			if a == "off" {
				return true
			}
		case "chunked_transfer_encoding":
			return true
		case "proxy_set_header":
			if strings.HasPrefix(a, "connection") && strings.TrimSpace(strings.TrimPrefix(a, "connection")) == "" {
				return true
			}
		case "add_header", "proxy_hide_header", "proxy_ignore_headers":
			if strings.Contains(a, "x-accel-buffering") {
				return true
			}
		}
	}
	return false
}

// ngxStreams picks the locations that carry streams: those serving path
// when it is given; otherwise the proxying locations that look like
// streams (by name or settings), or every proxying location when none
// does.
func ngxStreams(top []*ngxDirective, path string) []*ngxScope {
	locs := ngxLocations(top)
	if path != "" {
		return ngxMatchPath(top, locs, path)
	}
	var hinted, all []*ngxScope
	for _, s := range locs {
		if !proxies(s.loc()) {
			continue
		}
		switch {
		case streamHint.MatchString(strings.Join(s.loc().Args, " ")):
			s.why, s.rank = "its path suggests a stream", 2
			hinted = append(hinted, s)
		case hasStreamSettings(s.loc()):
			s.why, s.rank = "it already carries streaming settings", 1
			hinted = append(hinted, s)
		default:
			s.why = "it proxies to an upstream (give --path to name the stream's)"
			all = append(all, s)
		}
	}
	if len(hinted) > 0 {
		slices.SortStableFunc(hinted, func(a, b *ngxScope) int { return b.rank - a.rank })
		return hinted
	}
	return all
}

// ngxMatchPath returns, for each server, the location nginx picks for the
// path: an exact match, else the longest prefix if it is marked ^~, else
// the first matching regular expression, else the longest prefix; nested
// locations are searched the same way inside the one picked.
func ngxMatchPath(top []*ngxDirective, locs []*ngxScope, path string) []*ngxScope {
	byParent := map[*ngxDirective][]*ngxScope{}
	var parents []*ngxDirective
	for _, s := range locs {
		p := s.chain[len(s.chain)-2]
		if _, seen := byParent[p]; !seen {
			parents = append(parents, p)
		}
		byParent[p] = append(byParent[p], s)
	}
	var out []*ngxScope
	for _, p := range parents {
		if p.Name != "server" {
			continue
		}
		s := pickLocation(byParent[p], path)
		for s != nil {
			inner := pickLocation(byParent[s.loc()], path)
			if inner == nil {
				break
			}
			s = inner
		}
		if s != nil {
			s.why = "it serves " + path
			out = append(out, s)
		}
	}
	return out
}

func pickLocation(cands []*ngxScope, path string) *ngxScope {
	var longest *ngxScope
	longestLen := -1
	for _, s := range cands {
		args := s.loc().Args
		if len(args) == 2 && args[0] == "=" && args[1] == path {
			return s
		}
		prefix := ""
		switch {
		case len(args) == 1 && !strings.HasPrefix(args[0], "@"):
			prefix = args[0]
		case len(args) == 2 && args[0] == "^~":
			prefix = args[1]
		default:
			continue
		}
		if strings.HasPrefix(path, prefix) && len(prefix) > longestLen {
			longest, longestLen = s, len(prefix)
		}
	}
	if longest != nil && longest.loc().Args[0] == "^~" {
		return longest
	}
	for _, s := range cands {
		args := s.loc().Args
		if len(args) != 2 || args[0] != "~" && args[0] != "~*" {
			continue
		}
		expr := args[1]
		if args[0] == "~*" {
			expr = "(?i)" + expr
		}
		if re, err := regexp.Compile(expr); err == nil && re.MatchString(path) {
			return s
		}
	}
	return longest
}
