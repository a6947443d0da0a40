package inspector

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestSubscribeStopDuringReconnectWait(t *testing.T) {
	srv := newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
		stream(w, "text/event-stream")("data: bye\n\n")
	})
	sess := NewSession(Limits{})
	hooks, closed := closes()
	sub := subscribe(t, sess, Request{URL: srv.URL, Retry: time.Hour}, hooks)
	if rep := recv(t, closed, "end of stream"); rep.reconnectIn != time.Hour {
		t.Fatalf("reconnectIn = %v, want 1h", rep.reconnectIn)
	}
	sub.Stop()
	waitDone(t, sub)
	if err := sub.Err(); err != nil {
		t.Errorf("Err = %v, want nil", err)
	}
	if st, _ := sub.Lane().State(); st != StateClosed {
		t.Errorf("state = %s, want closed", st)
	}
	if n := srv.n.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestSubscribeCancel(t *testing.T) {
	srv := newSeqServer(t, hang)
	sess := NewSession(Limits{})
	ctx, cancel := context.WithCancel(t.Context())
	opened := make(chan struct{}, 1)
	sub, err := Subscribe(ctx, sess, Request{URL: srv.URL}, Hooks{OnOpen: func(*Lane, Conn) { opened <- struct{}{} }})
	if err != nil {
		t.Fatal(err)
	}
	recv(t, opened, "open")
	if st, _ := sub.Lane().State(); st != StateOpen {
		t.Errorf("state while connected = %s, want open", st)
	}
	cancel()
	waitDone(t, sub)
	if sub.Err() != nil {
		t.Errorf("Err = %v, want nil", sub.Err())
	}
	ls := sub.Lane().Snapshot()
	if ls.State != StateClosed || ls.Conns[0].Cause != CauseCancelled || ls.Conns[0].Open() {
		t.Errorf("state %s, conn cause %s", ls.State, ls.Conns[0].Cause)
	}
}

func TestSubscribeReconnectNow(t *testing.T) {
	arrived := make(chan struct{}, 4)
	srv := newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		hang(w, r)
	})
	sess := NewSession(Limits{})
	hooks, closed := closes()
	sub := subscribe(t, sess, Request{URL: srv.URL, Retry: time.Hour}, hooks)
	recv(t, arrived, "first request")
	sub.ReconnectNow()
	rep := recv(t, closed, "dropped connection")
	if rep.conn.Cause != CauseCancelled || rep.reconnectIn != 0 || rep.conn.Err != "reconnect requested" {
		t.Errorf("closed with %s %q, reconnectIn %v", rep.conn.Cause, rep.conn.Err, rep.reconnectIn)
	}
	recv(t, arrived, "reconnection despite a 1h retry")
}

func TestSubscribePause(t *testing.T) {
	arrived := make(chan struct{}, 4)
	srv := newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		hang(w, r)
	})
	sess := NewSession(Limits{})
	hooks, closed := closes()
	sub := subscribe(t, sess, Request{URL: srv.URL, Retry: time.Hour}, hooks)
	recv(t, arrived, "first request")
	sub.SetPaused(true)
	if rep := recv(t, closed, "pause"); rep.conn.Cause != CauseCancelled || rep.reconnectIn >= 0 {
		t.Errorf("closed with %s, reconnectIn %v", rep.conn.Cause, rep.reconnectIn)
	}
	waitState(t, sub.Lane(), StatePaused)
	sub.ReconnectNow() // ignored while paused
	sub.SetPaused(false)
	recv(t, arrived, "reconnection on resume")
	if n := srv.n.Load(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

// Pausing and resuming at once must reconnect at once, with or without
// NoReconnect (a resumed stream is not one that ended).
func TestSubscribePauseResumeAtOnce(t *testing.T) {
	for _, noReconnect := range []bool{false, true} {
		arrived := make(chan struct{}, 4)
		srv := newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
			arrived <- struct{}{}
			hang(w, r)
		})
		sess := NewSession(Limits{})
		sub := subscribe(t, sess, Request{URL: srv.URL, Retry: time.Hour, NoReconnect: noReconnect}, Hooks{})
		recv(t, arrived, "first request")
		sub.SetPaused(true)
		sub.SetPaused(false)
		recv(t, arrived, fmt.Sprintf("reconnection after pause+resume (NoReconnect %v)", noReconnect))
		select {
		case <-sub.Done():
			t.Fatalf("subscription ended after pause+resume: %v", sub.Err())
		default:
		}
	}
}
