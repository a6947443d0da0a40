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
		lane(6, "", "http://127.0.0.1:2300/stamped?rate=1000&lane=5"),
	})
	want := map[int]string{1: "direct", 2: "#2 tap", 3: "#3 tap", 4: "#4 …lane=4", 5: "#5 …lane=5", 6: "#6 …lane=5"}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("lane %d: label %q, want %q", id, got[id], w)
		}
	}
	if l := LaneLabels([]*inspector.LaneSnapshot{lane(7, "", "https://example.test/events")}); l[7] != "#7 example.test/events" {
		t.Errorf("a lone unnamed lane: %q", l[7])
	}
}
