package timeline

import (
	"fmt"
	"strings"

	"github.com/sseinspector/sseinspector/inspector"
)

// LaneLabels names each stream lane distinctly for the gutter, the hover
// readout and the lane list: a lane's own name when no other lane shares
// it; else "#ID" and the part of the URL that sets it apart from the
// other such lanes' (eight streams of one host differ only in their
// query), or the name when the URLs are alike.
func LaneLabels(lanes []*inspector.LaneSnapshot) map[int]string {
	// Lanes sharing a name (unnamed ones included) are told apart among
	// themselves.
	groups := map[string][]string{}
	for _, l := range lanes {
		groups[l.Info.Name] = append(groups[l.Info.Name], bareURL(l.Info.URL))
	}
	out := make(map[int]string, len(lanes))
	for _, l := range lanes {
		id, name := l.Info.ID, l.Info.Name
		urls := groups[name]
		if name != "" && len(urls) == 1 {
			out[id] = name
			continue
		}
		common := commonStem(urls)
		u := bareURL(l.Info.URL)
		switch rest := u[len(common):]; {
		case common != "" && rest != "" && allDiffer(urls):
			u = "…" + rest
		case name != "":
			u = name
		case u == "":
			u = string(l.Info.Kind)
		}
		out[id] = fmt.Sprintf("#%d %s", id, u)
	}
	return out
}

// allDiffer reports whether no two of urls are the same.
func allDiffer(urls []string) bool {
	seen := make(map[string]bool, len(urls))
	for _, u := range urls {
		if seen[u] {
			return false
		}
		seen[u] = true
	}
	return true
}

// bareURL is a URL without its scheme.
func bareURL(u string) string {
	return strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
}

// commonStem is the longest prefix shared by all of urls (two or more)
// that ends at a separator, so that what follows reads as a whole part:
// "…lane=3", not "…3".
func commonStem(urls []string) string {
	if len(urls) < 2 {
		return ""
	}
	p := urls[0]
	for _, u := range urls[1:] {
		n := 0
		for n < len(p) && n < len(u) && p[n] == u[n] {
			n++
		}
		p = p[:n]
	}
	if i := strings.LastIndexAny(p, "/?&"); i >= 0 {
		return p[:i+1]
	}
	return ""
}
