package proxytap_test

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/proxytap"
)

// A test starts the tap as a reverse proxy in front of the service, points
// its client (a browser, an SDK, another service) at the tap, and reads
// what the tap recorded: every event with its upstream arrival and its
// delivery to the client.
func ExampleTap_inATest() {
	service := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for i := 1; i <= 3; i++ {
			fmt.Fprintf(w, "id: %d\ndata: tick %d\n\n", i, i)
			w.(http.Flusher).Flush()
		}
	}))
	defer service.Close()

	// Hooks say when the tap has recorded something, so nothing sleeps.
	ended := make(chan struct{}, 1)
	tap, err := proxytap.New(proxytap.Config{Upstream: service.URL, Hooks: proxytap.Hooks{
		Close: func(*inspector.Lane, int) { ended <- struct{}{} },
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	addr, err := tap.Start("127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tap.Close()

	// The client under test talks to the tap instead of the service.
	resp, err := http.Get("http://" + addr.String() + "/events")
	if err != nil {
		fmt.Println(err)
		return
	}
	lines := 0
	for sc := bufio.NewScanner(resp.Body); sc.Scan(); {
		if strings.HasPrefix(sc.Text(), "data:") {
			lines++
		}
	}
	resp.Body.Close()
	select {
	case <-ended:
	case <-time.After(10 * time.Second):
		fmt.Println("the tap recorded no end of stream")
		return
	}

	snap := tap.Recorder().(*inspector.Session).Snapshot()
	for _, lane := range snap.Lanes {
		fmt.Printf("%s %s: %d events recorded, %d delivered to the client\n",
			lane.Info.Kind, lane.Info.URL[strings.LastIndex(lane.Info.URL, "/"):], lane.Len(), lines)
		for _, ev := range lane.Events() {
			fmt.Printf("  id %s: %q\n", ev.ID, ev.Data)
		}
	}
	// Output:
	// tap /events: 3 events recorded, 3 delivered to the client
	//   id 1: "tick 1"
	//   id 2: "tick 2"
	//   id 3: "tick 3"
}
