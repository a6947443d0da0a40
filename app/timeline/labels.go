package timeline

import (
	"fmt"
	"strings"

	"github.com/sseinspector/sseinspector/inspector"
)

// LaneLabels names each stream lane distinctly for the gutter and the
// hover readout: a lane's own name when no other lane shares it, else
// "#ID" and the name or, for unnamed lanes, the part of the URL that sets
// it apart from the other lanes' (eight streams of one host differ only
// in their query).
func LaneLabels(lanes []*inspector.LaneSnapshot) map[int]string {
	names := map[string]int{}
	var urls []string
	for _, l := range lanes {
		names[l.Info.Name]++
		if l.Info.Name == "" {
			urls = append(urls, bareURL(l.Info.URL))
		}
	}
	common := commonStem(urls)
	out := make(map[int]string, len(lanes))
	for _, l := range lanes {
		id := l.Info.ID
		switch name := l.Info.Name; {
		case name != "" && names[name] == 1:
			out[id] = name
		case name != "":
			out[id] = fmt.Sprintf("#%d %s", id, name)
		default:
			u := bareURL(l.Info.URL)
			if rest := u[len(common):]; common != "" && rest != "" {
				u = "…" + rest
			}
			if u == "" {
				u = string(l.Info.Kind)
			}
			out[id] = fmt.Sprintf("#%d %s", id, u)
		}
	}
	return out
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
