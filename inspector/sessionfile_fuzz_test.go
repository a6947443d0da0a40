package inspector

import (
	"bytes"
	"testing"

	"github.com/sseinspector/sseinspector/inspector/sse"
)

// FuzzReadSession feeds damaged session files to the loader: it must never
// panic, and whatever it accepts must save and load back to the same
// number of lanes and events.
func FuzzReadSession(f *testing.F) {
	var good bytes.Buffer
	s := NewSession(Limits{})
	l := s.AddLane(LaneInfo{Name: "direct", Kind: LaneSubscription})
	c := l.StartConn(0, "GET", "http://127.0.0.1/x", nil, "")
	rec := &ConnRecorder{Lane: l, Conn: c, Parser: &sse.Parser{}}
	rec.Feed(1, 0, 40, []byte("id: 1\ndata: a\n\n: hb\n\nretry: 10\n\ndata: \xff\n\n"))
	rec.End(2, CauseEOF, nil)
	if err := WriteSession(&good, s.Snapshot(), SaveOptions{}); err != nil {
		f.Fatal(err)
	}
	f.Add(good.Bytes())
	f.Add(good.Bytes()[:good.Len()/2])
	f.Add([]byte(`{"format":"sseinspector-session","version":1}` + "\n" + `{"rec":"end","lanes":0,"events":0}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, partial := range []bool{false, true} {
			sess, err := ReadSession(bytes.NewReader(data), LoadOptions{Partial: partial})
			if sess == nil {
				if err == nil {
					t.Fatal("no session and no error")
				}
				continue
			}
			snap := sess.Snapshot()
			var again bytes.Buffer
			if err := WriteSession(&again, snap, SaveOptions{KeepSecrets: true}); err != nil {
				t.Fatalf("accepted session does not save: %v", err)
			}
			back, err := ReadSession(&again, LoadOptions{})
			if err != nil {
				t.Fatalf("saved session does not load: %v", err)
			}
			b := back.Snapshot()
			if len(b.Lanes) != len(snap.Lanes) {
				t.Fatalf("lanes %d -> %d", len(snap.Lanes), len(b.Lanes))
			}
			for i := range b.Lanes {
				if b.Lanes[i].Len() != snap.Lanes[i].Len() {
					t.Fatalf("lane %d: events %d -> %d", i, snap.Lanes[i].Len(), b.Lanes[i].Len())
				}
			}
		}
	})
}
