package probe

import (
	"context"
	"fmt"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// stream is one subscription of a recording, possibly started late: a
// stream that was waiting to reconnect when its recording was replaced
// waits out the rest of its reconnection time first, as a browser would.
type stream struct {
	lastID string        // the Last-Event-ID its first connection sends
	ready  chan struct{} // closed once sub is set, or the start was given up
	sub    *inspector.Subscription
}

// startStream subscribes after delay (at once when it is not positive).
// An error is only possible without a delay: the URL and the method were
// checked with the configuration, and a late start that still fails is
// left unstarted.
func startStream(ctx context.Context, sess *inspector.Session, req inspector.Request, hooks inspector.Hooks, delay time.Duration) (*stream, error) {
	s := &stream{lastID: req.LastEventID, ready: make(chan struct{})}
	if delay <= 0 {
		defer close(s.ready)
		sub, err := inspector.Subscribe(ctx, sess, req, hooks)
		if err != nil {
			return nil, fmt.Errorf("subscribe to %s: %w", req.URL, err)
		}
		s.sub = sub
		return s, nil
	}
	go func() {
		defer close(s.ready)
		timer := time.NewTimer(delay)
		defer timer.Stop()
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		if sub, err := inspector.Subscribe(ctx, sess, req, hooks); err == nil {
			s.sub = sub
		}
	}()
	return s, nil
}

// subscription returns the running subscription, or nil while the stream
// waits to start (or never started).
func (s *stream) subscription() *inspector.Subscription {
	if s == nil {
		return nil
	}
	select {
	case <-s.ready:
		return s.sub
	default:
		return nil
	}
}

// wait blocks until the stream has started and stopped, or given up
// starting; its context must be cancelled first.
func (s *stream) wait() {
	if s == nil {
		return
	}
	<-s.ready
	if s.sub != nil {
		<-s.sub.Done()
	}
}

// failed reports whether the stream failed for good (a status other than
// 200, a wrong Content-Type).
func (s *stream) failed() bool {
	sub := s.subscription()
	if sub == nil {
		return false
	}
	select {
	case <-sub.Done():
		return sub.Err() != nil
	default:
		return false
	}
}

// nextLastEventID is the Last-Event-ID the stream would send next.
func (s *stream) nextLastEventID() string {
	if s == nil {
		return ""
	}
	sub := s.subscription()
	if sub == nil {
		return s.lastID
	}
	if id, ok := lastID(sub.Lane().Snapshot()); ok {
		return id
	}
	return s.lastID
}

// lastID is the ID after the lane's last event held, if it holds any.
func lastID(l *inspector.LaneSnapshot) (string, bool) {
	if l.Len() > 0 {
		return l.Event(l.Len() - 1).ID, true
	}
	return "", false
}
