package origin

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/r3labs/sse/v2"
)

// streams gives every request its own r3labs stream, so that each client
// sees its own sequence from its own start instead of joining a broadcast
// midway. r3labs does the wire format and the flushing; a producer
// goroutine per request decides what to publish and when.
type streams struct {
	server *sse.Server
	nextID atomic.Uint64
	// subscribed maps a stream ID to a channel closed once its client is
	// registered: events published before that would be lost.
	subscribed sync.Map
}

func newStreams() *streams {
	st := &streams{}
	st.server = sse.New()
	// Replay would rewrite our ids to 0, 1, 2… and keep every event
	// forever; each stream has one client anyway.
	st.server.AutoReplay = false
	st.server.AutoStream = false
	st.server.OnSubscribe = func(id string, _ *sse.Subscriber) {
		if ch, ok := st.subscribed.Load(id); ok {
			close(ch.(chan struct{}))
		}
	}
	// A stream is removed only after its subscriber deregistered: removing
	// it earlier stops the loop that deregistration waits on, and the
	// request's cleanup goroutine would block forever.
	st.server.OnUnsubscribe = func(id string, _ *sse.Subscriber) {
		st.subscribed.Delete(id)
		st.server.RemoveStream(id)
	}
	return st
}

// publisher sends one event on a request's stream. It reports false once
// the client is gone, so that producers can stop.
type publisher func(ev *sse.Event) bool

// endResponse publishes what makes r3labs' handler end the response: an
// event with neither data nor comment.
func endResponse(publish publisher) { publish(&sse.Event{}) }

// serve streams to one request. produce runs in its own goroutine once the
// client is registered; its context ends when the client goes away or the
// response ended. To end the response it calls endResponse.
func (st *streams) serve(w http.ResponseWriter, r *http.Request, produce func(ctx context.Context, publish publisher)) {
	if _, ok := w.(http.Flusher); !ok {
		http.Error(w, "streaming unsupported by this connection", http.StatusInternalServerError)
		return
	}
	id := "c" + strconv.FormatUint(st.nextID.Add(1), 10)
	ready := make(chan struct{})
	st.subscribed.Store(id, ready)
	st.server.CreateStream(id)

	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	go func() {
		select {
		case <-ready:
		case <-ctx.Done():
			return
		}
		produce(ctx, func(ev *sse.Event) bool {
			if ctx.Err() != nil {
				return false
			}
			st.server.Publish(id, ev)
			return true
		})
	}()

	// r3labs finds the stream by a query parameter; our URLs stay clean.
	// It also rejects a non-numeric Last-Event-ID with 400, and only uses
	// it for replay, which is off: the routes read it themselves.
	inner := r.Clone(r.Context())
	inner.URL.RawQuery = url.Values{"stream": {id}}.Encode()
	inner.Header.Del("Last-Event-ID")
	st.server.ServeHTTP(w, inner)
}
