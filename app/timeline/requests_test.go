package timeline

import (
	"net/http"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/sse"

	"github.com/sseinspector/sseinspector/inspector"
)

// A tap session lists every plain request as a lane; the timeline draws
// only the event streams, so a page's assets do not crowd them out.
func TestPlainRequestsAreNotDrawnAsLanes(t *testing.T) {
	s := inspector.NewSession(inspector.Limits{})
	for i := 0; i < 12; i++ {
		l := s.AddLane(inspector.LaneInfo{Kind: inspector.LaneRequest, Method: "GET", URL: "http://127.0.0.1/asset"})
		c := l.StartConn(0, "GET", "http://127.0.0.1/asset", nil, "")
		l.SetResponse(c, time.Millisecond, 200, "HTTP/1.1", http.Header{"Content-Type": {"text/css"}})
		l.EndConn(c, 2*time.Millisecond, inspector.CauseEOF, "", 0)
	}
	stream := s.AddLane(inspector.LaneInfo{Kind: inspector.LaneTap, Name: "events", URL: "http://127.0.0.1/events"})
	c := stream.StartConn(0, "GET", "http://127.0.0.1/events", nil, "")
	rec := &inspector.ConnRecorder{Lane: stream, Conn: c, Parser: &sse.Parser{}}
	rec.Feed(time.Second, time.Second, 9, []byte("data: 1\n\n"))

	d := &Data{Snapshot: s.Snapshot()}
	L := layoutOf(d, FitView(d, 1000, 600))
	if len(L.bands) != 1 || L.bands[0].lane.Info.ID != stream.ID() || L.hiddenLanes != 0 {
		t.Fatalf("bands = %d (hidden %d), want only the event stream", len(L.bands), L.hiddenLanes)
	}
}
