package timeline

import (
	"testing"

	"github.com/sseinspector/sseinspector/inspector"
)

func TestLaneLabelsAreDistinct(t *testing.T) {
	lane := func(id int, name, url string) *inspector.LaneSnapshot {
		return &inspector.LaneSnapshot{Info: inspector.LaneInfo{ID: id, Name: name, URL: url, Kind: inspector.LaneSubscription}}
	}
	got := LaneLabels([]*inspector.LaneSnapshot{
		lane(1, "direct", "http://127.0.0.1:9001/stamped"),
		lane(2, "tap", "http://127.0.0.1:8080/a"),
		lane(3, "tap", "http://127.0.0.1:8080/b"),
		lane(4, "", "http://127.0.0.1:2300/stamped?rate=1000&lane=4"),
		lane(5, "", "http://127.0.0.1:2300/stamped?rate=1000&lane=5"),
	})
	want := map[int]string{1: "direct", 2: "#2 …a", 3: "#3 …b", 4: "#4 …lane=4", 5: "#5 …lane=5"}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("lane %d: label %q, want %q", id, got[id], w)
		}
	}
	if l := LaneLabels([]*inspector.LaneSnapshot{lane(7, "", "https://example.test/events")}); l[7] != "#7 example.test/events" {
		t.Errorf("a lone unnamed lane: %q", l[7])
	}
	// Lanes named alike after their URL (as on the command line) are told
	// apart by the URL's distinct part; alike URLs keep the name.
	same := []*inspector.LaneSnapshot{
		lane(1, "127.0.0.1:9419/stamped", "http://127.0.0.1:9419/stamped?rate=1000&lane=1"),
		lane(2, "127.0.0.1:9419/stamped", "http://127.0.0.1:9419/stamped?rate=1000&lane=2"),
	}
	if l := LaneLabels(same); l[1] != "#1 …lane=1" || l[2] != "#2 …lane=2" {
		t.Errorf("lanes named alike: %v", l)
	}
	twins := []*inspector.LaneSnapshot{lane(1, "tap", "http://h/x"), lane(2, "tap", "http://h/x")}
	if l := LaneLabels(twins); l[1] != "#1 tap" || l[2] != "#2 tap" {
		t.Errorf("identical lanes: %v", l)
	}
}
