package gui

import (
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/sse"

	"github.com/sseinspector/sseinspector/inspector"
)

func TestEventRowsAreIncrementalAndRestartOnFilter(t *testing.T) {
	s := inspector.NewSession(inspector.Limits{})
	a := s.AddLane(inspector.LaneInfo{Name: "a", Kind: inspector.LaneSubscription})
	b := s.AddLane(inspector.LaneInfo{Name: "b", Kind: inspector.LaneSubscription})
	feed := func(l *inspector.Lane, at time.Duration, chunk string) {
		if len(l.Snapshot().Conns) == 0 {
			l.StartConn(0, "GET", "http://127.0.0.1/", nil, "")
		}
		rec := &inspector.ConnRecorder{Lane: l, Conn: 0, Parser: &sse.Parser{}}
		rec.Feed(at, 0, len(chunk), []byte(chunk))
	}
	var rows eventRows
	rows.resetTypes()
	gen := rows.setFilter(eventFilter{})
	feed(a, 3*time.Millisecond, "data: a1\n\n")
	feed(b, 1*time.Millisecond, "event: tick\ndata: b1\n\n")
	u := rows.build(s.Snapshot())
	if u.gen != gen || !u.reset || len(u.fresh) != 2 || int(u.fresh[0].lane) != b.ID() || len(u.types) != 2 {
		t.Fatalf("first build = %+v, want both events (b first, by arrival) and both types", u)
	}
	feed(a, 5*time.Millisecond, "data: a2\n\n")
	u = rows.build(s.Snapshot())
	if u.reset || len(u.fresh) != 1 || u.fresh[0].seq != 1 || len(u.types) != 0 {
		t.Fatalf("second build = %+v, want only the new event", u)
	}
	gen2 := rows.setFilter(eventFilter{typ: "tick"})
	u = rows.build(s.Snapshot())
	if gen2 == gen || u.gen != gen2 || !u.reset || len(u.fresh) != 1 || int(u.fresh[0].lane) != b.ID() {
		t.Fatalf("build after filter = %+v, want the one tick event, replacing the rows", u)
	}
}
