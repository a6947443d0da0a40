package inspector

import (
	"errors"
	"testing"
	"time"
)

func TestSubscribeConnectErrorReconnects(t *testing.T) {
	sess := NewSession(Limits{})
	hooks, closed := closes()
	sub := subscribe(t, sess, Request{URL: "http://" + closedPort(t) + "/", Retry: time.Millisecond}, hooks)
	for range 2 {
		rep := recv(t, closed, "connection failure")
		if rep.conn.Cause != CauseConnect || rep.reconnectIn != time.Millisecond {
			t.Fatalf("closed with %s, reconnectIn %v; want connect, 1ms", rep.conn.Cause, rep.reconnectIn)
		}
	}
	sub.Stop()
	waitDone(t, sub)
	if sub.Err() != nil {
		t.Errorf("Err = %v, want nil after Stop", sub.Err())
	}
}

func TestSubscribeConnectErrorNoReconnect(t *testing.T) {
	sess := NewSession(Limits{})
	sub := subscribe(t, sess, Request{URL: "http://" + closedPort(t) + "/", NoReconnect: true}, Hooks{})
	waitDone(t, sub)
	var ce *ConnError
	if !errors.As(sub.Err(), &ce) || ce.Cause != CauseConnect || ce.Err == nil {
		t.Fatalf("Err = %v, want a connect ConnError", sub.Err())
	}
	if len(sub.Lane().Snapshot().Conns) != 1 {
		t.Error("reconnected despite NoReconnect")
	}
}

func TestSubscribeRejectsBadRequests(t *testing.T) {
	for _, tc := range []Request{
		{URL: "ftp://example.test/x"},
		{URL: "http:///path"},
		{URL: "/relative"},
		{URL: "http://[::1"},
		{URL: "http://127.0.0.1/", Method: "BAD METHOD"},
	} {
		sess := NewSession(Limits{})
		if _, err := Subscribe(t.Context(), sess, tc, Hooks{}); err == nil {
			t.Errorf("Subscribe(%+v) succeeded", tc)
		}
		if n := len(sess.Lanes()); n != 0 {
			t.Errorf("Subscribe(%+v) added %d lanes", tc, n)
		}
	}
}
