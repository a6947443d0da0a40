package capture

import (
	"net/netip"
	"slices"

	"github.com/sseinspector/sseinspector/inspector"
)

// laneKey groups the connections of one EventSource: the same client
// asking the same server for the same URL, reconnecting as it goes.
type laneKey struct {
	client netip.Addr
	server netip.AddrPort
	host   string
	target string
}

// laneFor returns the lane of a request's stream: the lane of the same
// client, server and URL when none of its connections is open, else a new
// one (two streams open at once are two EventSources).
func (rd *reader) laneFor(c *conn, req *request) *inspector.Lane {
	k := laneKey{client: c.client.Addr(), server: c.server, host: req.host, target: req.target}
	for _, l := range rd.lanes[k] {
		if !rd.busy[l] {
			rd.busy[l] = true
			return l
		}
	}
	l := rd.res.Session.AddLane(inspector.LaneInfo{Name: c.server.String(), Kind: inspector.LaneCapture,
		URL: req.url(), Method: req.method, Client: c.client.String()})
	l.SetState(inspector.StateClosed, "")
	rd.lanes[k] = append(rd.lanes[k], l)
	rd.busy[l] = true
	return l
}

// release marks a lane's connection as ended.
func (rd *reader) release(l *inspector.Lane) { delete(rd.busy, l) }

// chainProbe is how many of a lane's first events are compared to tell
// whether two lanes carry the same stream.
const chainProbe = 20

// Chains finds, in a capture taken on a proxy, the lanes that carry the
// same stream on both sides of it (client ↔ proxy and proxy ↔ upstream):
// lanes asking different servers for the same path whose first events are
// the same. Each chain is ordered by when its response headers were
// captured, which puts the side nearest the origin first.
func Chains(snap *inspector.Snapshot) [][]int {
	type cand struct {
		lane    *inspector.LaneSnapshot
		headers int64
		events  map[string]bool
	}
	byPath := make(map[string][]cand)
	var paths []string
	for _, l := range snap.Lanes {
		if l.Info.Kind != inspector.LaneCapture || l.Len() == 0 || len(l.Conns) == 0 {
			continue
		}
		c := cand{lane: l, headers: int64(l.Conns[0].HeadersAt), events: make(map[string]bool)}
		for i := range min(l.Len(), chainProbe) {
			ev := l.Event(i)
			c.events[ev.ID+"\x00"+ev.Type+"\x00"+ev.Data] = true
		}
		p := pathOf(l.Info.URL)
		if _, ok := byPath[p]; !ok {
			paths = append(paths, p)
		}
		byPath[p] = append(byPath[p], c)
	}
	var out [][]int
	for _, p := range paths {
		cs := byPath[p]
		slices.SortStableFunc(cs, func(a, b cand) int { return int(a.headers - b.headers) })
		used := make([]bool, len(cs))
		for i := range cs {
			if used[i] {
				continue
			}
			chain := []int{cs[i].lane.Info.ID}
			servers := map[string]bool{cs[i].lane.Info.Name: true}
			for j := i + 1; j < len(cs); j++ {
				if used[j] || servers[cs[j].lane.Info.Name] || !shareEvents(cs[i].events, cs[j].events) {
					continue
				}
				used[j] = true
				servers[cs[j].lane.Info.Name] = true
				chain = append(chain, cs[j].lane.Info.ID)
			}
			if len(chain) > 1 {
				out = append(out, chain)
			}
		}
	}
	return out
}

// shareEvents reports whether two lanes' first events overlap by half.
func shareEvents(a, b map[string]bool) bool {
	n := 0
	for k := range b {
		if a[k] {
			n++
		}
	}
	return n > 0 && n*2 >= min(len(a), len(b))
}

// pathOf is a URL's path and query: what a proxy forwards unchanged.
func pathOf(u string) string {
	for i, slashes := 0, 0; i < len(u); i++ {
		if u[i] == '/' {
			if slashes++; slashes == 3 {
				return u[i:]
			}
		}
	}
	return "/"
}
