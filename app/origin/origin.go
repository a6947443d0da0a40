package origin

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/r3labs/sse/v2"
)

// Options configures the origin. The zero value serves the defaults
// documented on each field.
type Options struct {
	// Interval is the period of /event's events. 0 means one second.
	Interval time.Duration
	// MaxRate caps /stamped's rate parameter, in events per second.
	// 0 means 1000.
	MaxRate int
	// MaxSize caps /stamped's size parameter, in bytes. 0 means 1 MiB.
	MaxSize int
}

func (o Options) withDefaults() Options {
	if o.Interval <= 0 {
		o.Interval = time.Second
	}
	if o.MaxRate <= 0 {
		o.MaxRate = 1000
	}
	if o.MaxSize <= 0 {
		o.MaxSize = 1 << 20
	}
	return o
}

// Defaults of the stream routes' parameters.
const (
	defaultStampedRate = 10 // events per second
	defaultQuietAfter  = 1  // events before the silence
)

type origin struct {
	opts    Options
	streams *streams
}

// New returns the origin's handler. Every stream it serves runs until the
// client goes away or the route's count is reached; none outlives its
// request.
func New(opts Options) http.Handler {
	o := &origin{opts: opts.withDefaults(), streams: newStreams()}
	mux := http.NewServeMux()
	mux.HandleFunc("/", serveIndex)
	mux.HandleFunc("/event", o.serveEvent)
	mux.HandleFunc("/stamped", o.serveStamped)
	mux.HandleFunc("/quiet", o.serveQuiet)
	return mux
}

// serveEvent counts from 1 (or on from the Last-Event-ID a reconnecting
// client sends), the first event at once and then one per Interval.
func (o *origin) serveEvent(w http.ResponseWriter, r *http.Request) {
	q := query{values: r.URL.Query()}
	beat := q.duration("heartbeat")
	if q.err != nil {
		http.Error(w, q.err.Error(), http.StatusBadRequest)
		return
	}
	seq := resumeAfter(r) + 1
	o.streams.serve(w, r, func(ctx context.Context, publish publisher) {
		tick := time.NewTicker(o.opts.Interval)
		defer tick.Stop()
		beats, stopBeats := ticks(beat)
		defer stopBeats()
		for {
			s := []byte(strconv.Itoa(seq))
			if !publish(&sse.Event{ID: s, Data: s}) {
				return
			}
			seq++
			if !waitTick(ctx, tick.C, beats, publish) {
				return
			}
		}
	})
}

// serveStamped sends JSON events carrying their send time, for measuring
// latency through a path: {"seq":N,"sent":UNIX_NS,"pad":"xx…"}, padded so
// that the data is size bytes.
func (o *origin) serveStamped(w http.ResponseWriter, r *http.Request) {
	q := query{values: r.URL.Query()}
	rate := q.int("rate", defaultStampedRate, 1, o.opts.MaxRate)
	size := q.int("size", 0, 0, o.opts.MaxSize)
	count := q.int("count", 0, 0, int(^uint(0)>>1))
	beat := q.duration("heartbeat")
	if q.err != nil {
		http.Error(w, q.err.Error(), http.StatusBadRequest)
		return
	}
	seq := resumeAfter(r) + 1
	if count > 0 && seq > count {
		// The client has everything: 204 is how a server tells an
		// EventSource to stop reconnecting.
		w.WriteHeader(http.StatusNoContent)
		return
	}
	o.streams.serve(w, r, func(ctx context.Context, publish publisher) {
		tick := time.NewTicker(time.Second / time.Duration(rate))
		defer tick.Stop()
		beats, stopBeats := ticks(beat)
		defer stopBeats()
		for {
			id := []byte(strconv.Itoa(seq))
			if !publish(&sse.Event{ID: id, Data: stampedData(seq, time.Now(), size)}) {
				return
			}
			if count > 0 && seq >= count {
				endResponse(publish)
				return
			}
			seq++
			if !waitTick(ctx, tick.C, beats, publish) {
				return
			}
		}
	})
}

// stampedData builds one /stamped payload of at least size bytes.
func stampedData(seq int, sent time.Time, size int) []byte {
	const format = `{"seq":%d,"sent":%d,"pad":"%s"}`
	bare := len(fmt.Sprintf(format, seq, sent.UnixNano(), ""))
	return fmt.Appendf(nil, format, seq, sent.UnixNano(), strings.Repeat("x", max(0, size-bare)))
}

// serveQuiet sends its events at once, then keeps the connection open and
// silent (but for requested heartbeats): what a proxy's idle timeout needs.
func (o *origin) serveQuiet(w http.ResponseWriter, r *http.Request) {
	q := query{values: r.URL.Query()}
	after := q.int("after", defaultQuietAfter, 0, 100000)
	beat := q.duration("heartbeat")
	if q.err != nil {
		http.Error(w, q.err.Error(), http.StatusBadRequest)
		return
	}
	first := resumeAfter(r) + 1
	o.streams.serve(w, r, func(ctx context.Context, publish publisher) {
		for seq := first; seq < first+after; seq++ {
			s := []byte(strconv.Itoa(seq))
			if !publish(&sse.Event{ID: s, Data: s}) {
				return
			}
		}
		beats, stopBeats := ticks(beat)
		defer stopBeats()
		for waitTick(ctx, nil, beats, publish) {
		}
	})
}

// waitTick waits for the next tick, sending heartbeats meanwhile. It
// reports false when the client is gone.
func waitTick(ctx context.Context, tick, beats <-chan time.Time, publish publisher) bool {
	for {
		select {
		case <-ctx.Done():
			return false
		case <-tick:
			return true
		case <-beats:
			if !publish(&sse.Event{Comment: []byte("heartbeat")}) {
				return false
			}
		}
	}
}

// ticks returns a ticker's channel, or a nil channel (never ready) when
// d is 0.
func ticks(d time.Duration) (<-chan time.Time, func()) {
	if d <= 0 {
		return nil, func() {}
	}
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// resumeAfter is the numeric Last-Event-ID a reconnecting client sent, or
// 0: the routes continue after it, as a server honouring Last-Event-ID does.
func resumeAfter(r *http.Request) int {
	n, err := strconv.Atoi(r.Header.Get("Last-Event-ID"))
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// query reads a route's parameters, keeping the first error.
type query struct {
	values url.Values
	err    error
}

func (q *query) int(name string, def, lo, hi int) int {
	s := q.values.Get(name)
	if s == "" || q.err != nil {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		q.err = fmt.Errorf("parameter %s=%q: want an integer from %d to %d", name, s, lo, hi)
		return def
	}
	return n
}

// duration reads a Go duration ("15s", "500ms") or a whole number of seconds.
func (q *query) duration(name string) time.Duration {
	s := q.values.Get(name)
	if s == "" || q.err != nil {
		return 0
	}
	d, err := time.ParseDuration(s)
	if secs, serr := strconv.Atoi(s); serr == nil && secs <= 1<<20 {
		d, err = time.Duration(secs)*time.Second, nil
	}
	if err != nil || d < time.Millisecond {
		q.err = fmt.Errorf("parameter %s=%q: want a duration of at least 1ms, like 15s", name, s)
		return 0
	}
	return d
}
