package timeline

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/sse"
)

// gulps records a lane whose reads each complete per events, except the
// read at index big, which completes bigN.
func gulps(s *inspector.Session, name string, reads, per, big, bigN int) *inspector.Lane {
	l := s.AddLane(inspector.LaneInfo{Name: name, Kind: inspector.LaneSubscription})
	c := l.StartConn(0, "GET", "http://127.0.0.1/"+name, nil, "")
	rec := &inspector.ConnRecorder{Lane: l, Conn: c, Parser: &sse.Parser{}}
	n := 0
	for r := range reads {
		k := per
		if r == big {
			k = bigN
		}
		var b strings.Builder
		for range k {
			n++
			fmt.Fprintf(&b, "id: %d\ndata: x\n\n", n)
		}
		rec.Feed(time.Duration(r+1)*time.Millisecond, 0, b.Len(), []byte(b.String()))
	}
	return l
}

// TestDenseStreamsFlagOnlyBurstsThatStandOut: at a high rate both lanes
// read three events at a time; only the proxied lane's one read of 30
// events is worth marking.
func TestDenseStreamsFlagOnlyBurstsThatStandOut(t *testing.T) {
	s := inspector.NewSession(inspector.Limits{})
	direct := gulps(s, "direct", 200, 3, -1, 0)
	proxied := gulps(s, "proxied", 200, 3, 120, 30)
	d := &Data{Snapshot: s.Snapshot(), RefLane: direct.ID()}
	idx := d.index()
	li := idx.lane(d.Snapshot.Lane(proxied.ID()))
	least := flaggedBurst(d, li, idx, proxied.ID(), true)
	if least <= 3 || least > 30 {
		t.Fatalf("smallest flagged burst %d events: want the usual 3-event reads left out and the 30-event read kept", least)
	}
	if least := flaggedBurst(d, li, idx, proxied.ID(), false); least != 2 {
		t.Fatalf("where bursts are sparse enough to mark, the smallest flagged is %d, want every burst (2)", least)
	}
	if !denseBursts(li.bursts, 0, len(li.bursts), 2, 600) || denseBursts(li.bursts, 0, len(li.bursts), 30, 600) {
		t.Error("200 bursts in 600 px should be too dense to mark, their one large burst not")
	}
	// Against a reference that reads events one by one, every gulp is
	// the difference and is flagged.
	s2 := inspector.NewSession(inspector.Limits{})
	one := gulps(s2, "direct", 600, 1, -1, 0)
	p2 := gulps(s2, "proxied", 200, 3, -1, 0)
	d2 := &Data{Snapshot: s2.Snapshot(), RefLane: one.ID()}
	idx2 := d2.index()
	if least := flaggedBurst(d2, idx2.lane(d2.Snapshot.Lane(p2.ID())), idx2, p2.ID(), true); least != 2 {
		t.Fatalf("smallest flagged burst %d against a one-by-one reference, want every burst (2)", least)
	}
}
