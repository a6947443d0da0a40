package inspector

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/sse"
)

func TestSubscribeReconnectsWithLastEventID(t *testing.T) {
	reqs := make(chan requestInfo, 4)
	srv := newSeqServer(t,
		func(w http.ResponseWriter, r *http.Request) {
			reqs <- infoOf(r)
			send := stream(w, "text/event-stream; charset=utf-8")
			send("id: 7\ndata: a\n\n")
		},
		func(w http.ResponseWriter, r *http.Request) {
			reqs <- infoOf(r)
			hang(w, r)
		})
	sess := NewSession(Limits{})
	items := make(chan string, 8)
	sub := subscribe(t, sess, Request{URL: srv.URL + "/s", LastEventID: "start", Retry: 10 * time.Millisecond,
		Header: http.Header{"X-Custom": {"yes"}}},
		Hooks{OnItem: func(l *Lane, it *sse.Item, at time.Duration) { items <- string(it.Data) }})

	first := recv(t, reqs, "first request")
	for name, want := range map[string]string{
		"Accept": "text/event-stream", "Cache-Control": "no-cache", "Accept-Encoding": "gzip, deflate",
		"Last-Event-Id": "start", "X-Custom": "yes",
	} {
		if got := first.header.Get(name); got != want {
			t.Errorf("first request %s = %q, want %q", name, got, want)
		}
	}
	if first.method != http.MethodGet {
		t.Errorf("method = %s, want GET", first.method)
	}
	if got := recv(t, items, "event"); got != "a" {
		t.Errorf("event data = %q, want a", got)
	}
	second := recv(t, reqs, "reconnection")
	if got := second.header.Get("Last-Event-ID"); got != "7" {
		t.Errorf("reconnection Last-Event-ID = %q, want 7", got)
	}

	sub.Stop()
	waitDone(t, sub)
	if err := sub.Err(); err != nil {
		t.Errorf("Err after Stop = %v, want nil", err)
	}
	ls := sub.Lane().Snapshot()
	if ls.Info.Kind != LaneSubscription || ls.Info.Method != http.MethodGet {
		t.Errorf("lane info = %+v", ls.Info)
	}
	if ls.State != StateClosed {
		t.Errorf("state = %s, want closed", ls.State)
	}
	if len(ls.Conns) != 2 {
		t.Fatalf("%d conns, want 2", len(ls.Conns))
	}
	c0, c1 := ls.Conns[0], ls.Conns[1]
	if c0.Cause != CauseEOF || c0.Status != 200 || c0.LastEventID != "start" || c0.Events != 1 {
		t.Errorf("conn 0 = cause %s status %d lastEventID %q events %d", c0.Cause, c0.Status, c0.LastEventID, c0.Events)
	}
	if c1.Cause != CauseCancelled || c1.LastEventID != "7" {
		t.Errorf("conn 1 = cause %s lastEventID %q", c1.Cause, c1.LastEventID)
	}
	if evs := ls.Events(); len(evs) != 1 || evs[0].Data != "a" || evs[0].ID != "7" {
		t.Errorf("events = %+v", evs)
	}
}

func TestSubscribeTimesEachNetworkRead(t *testing.T) {
	more := make(chan struct{})
	srv := newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
		send := stream(w, "text/event-stream")
		send("data: hel")
		select {
		case <-more:
		case <-r.Context().Done():
			return
		}
		send("lo\n\n")
		<-r.Context().Done()
	})
	sess := NewSession(Limits{})
	got := make(chan time.Duration, 1)
	sub := subscribe(t, sess, Request{URL: srv.URL}, Hooks{OnItem: func(l *Lane, it *sse.Item, at time.Duration) { got <- at }})
	waitFor(t, sess, "the first read", func() bool { return sub.Lane().Snapshot().ReadCount() == 1 })
	close(more)
	arrival := recv(t, got, "event")

	ls := sub.Lane().Snapshot()
	reads := ls.Reads()
	if len(reads) != 2 || reads[0].Size != 9 || reads[1].Size != 4 || reads[0].WireSize != 9 || reads[1].WireSize != 4 {
		t.Fatalf("reads = %+v, want 9 then 4 bytes, wire and decoded alike", reads)
	}
	if !(reads[0].At < reads[1].At) || arrival != reads[1].At {
		t.Errorf("read times %v, %v; event arrival %v, want the second read's", reads[0].At, reads[1].At, arrival)
	}
	ev := ls.Event(0)
	if ev.Data != "hello" || ev.FirstRead != reads[0].Index || ev.LastRead != reads[1].Index || ev.Arrival != arrival {
		t.Errorf("event = %+v", ev)
	}
	if c := ls.Conns[0]; c.FirstByteAt != reads[0].At || c.HeadersAt > c.FirstByteAt {
		t.Errorf("headers at %v, first byte at %v; first read at %v", c.HeadersAt, c.FirstByteAt, reads[0].At)
	}
}

func TestSubscribeHonoursRetryField(t *testing.T) {
	const retry = 50 * time.Millisecond
	reconnected := make(chan struct{})
	srv := newSeqServer(t,
		func(w http.ResponseWriter, r *http.Request) {
			stream(w, "text/event-stream")("retry: 50\ndata: x\n\n")
		},
		func(w http.ResponseWriter, r *http.Request) {
			close(reconnected)
			hang(w, r)
		})
	sess := NewSession(Limits{})
	// An initial reconnection time far beyond the guard: only the retry
	// field can make the reconnection happen in time.
	sub := subscribe(t, sess, Request{URL: srv.URL, Retry: time.Hour}, Hooks{})
	recv(t, reconnected, "reconnection")

	ls := sub.Lane().Snapshot()
	if len(ls.Conns) < 2 {
		t.Fatalf("%d conns, want 2", len(ls.Conns))
	}
	if gap := ls.Conns[1].Start - ls.Conns[0].End; gap < retry {
		t.Errorf("reconnected %v after the end, want at least %v", gap, retry)
	}
	notes := ls.Notes()
	if len(notes) != 1 || notes[0].Kind != sse.ItemRetry || notes[0].Retry != retry {
		t.Errorf("notes = %+v, want one retry of %v", notes, retry)
	}
}

func TestSubscribeFailsForGood(t *testing.T) {
	cases := []struct {
		name   string
		status int
		ctype  string
		cause  CloseCause
	}{
		{"204", http.StatusNoContent, "text/event-stream", CauseHTTPStatus},
		{"500", http.StatusInternalServerError, "text/event-stream", CauseHTTPStatus},
		{"text/plain", http.StatusOK, "text/plain", CauseContentType},
		{"no content type", http.StatusOK, "", CauseContentType},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = []string{tc.ctype}
				w.WriteHeader(tc.status)
				if tc.status != http.StatusNoContent {
					io.WriteString(w, "data: not for you\n\n")
				}
			})
			sess := NewSession(Limits{})
			hooks, closed := closes()
			sub := subscribe(t, sess, Request{URL: srv.URL, Retry: time.Millisecond}, hooks)
			waitDone(t, sub)

			var ce *ConnError
			if !errors.As(sub.Err(), &ce) || ce.Cause != tc.cause {
				t.Fatalf("Err = %v, want a ConnError with cause %s", sub.Err(), tc.cause)
			}
			if n := srv.n.Load(); n != 1 {
				t.Errorf("%d requests, want 1 (no reconnection)", n)
			}
			rep := recv(t, closed, "OnClose")
			if rep.reconnectIn >= 0 || rep.conn.Cause != tc.cause {
				t.Errorf("OnClose: cause %s reconnectIn %v", rep.conn.Cause, rep.reconnectIn)
			}
			ls := sub.Lane().Snapshot()
			if ls.State != StateFailed || ls.StateDetail != ce.Error() {
				t.Errorf("state = %s %q, want failed %q", ls.State, ls.StateDetail, ce.Error())
			}
			if c := ls.Conns[0]; c.Status != tc.status || c.Events != 0 {
				t.Errorf("conn: status %d events %d", c.Status, c.Events)
			}
		})
	}
}

func TestSubscribeFollowsRedirects(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/start", http.RedirectHandler("/middle", http.StatusFound))
	mux.Handle("/middle", http.RedirectHandler("/stream", http.StatusTemporaryRedirect))
	mux.HandleFunc("/stream", hang)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	opened := make(chan Conn, 1)
	sess := NewSession(Limits{})
	subscribe(t, sess, Request{URL: srv.URL + "/start"}, Hooks{OnOpen: func(l *Lane, c Conn) { opened <- c }})
	c := recv(t, opened, "open")
	want := []string{srv.URL + "/middle", srv.URL + "/stream"}
	if fmt.Sprint(c.Redirects) != fmt.Sprint(want) {
		t.Errorf("redirects = %v, want %v", c.Redirects, want)
	}
	if c.Status != 200 || c.URL != srv.URL+"/start" {
		t.Errorf("conn status %d url %s", c.Status, c.URL)
	}
}

func TestSubscribeResendsBodyOnReconnect(t *testing.T) {
	reqs := make(chan requestInfo, 4)
	srv := newSeqServer(t,
		func(w http.ResponseWriter, r *http.Request) {
			reqs <- infoOf(r)
			stream(w, "text/event-stream")("data: 1\n\n")
		},
		func(w http.ResponseWriter, r *http.Request) {
			reqs <- infoOf(r)
			hang(w, r)
		})
	sess := NewSession(Limits{})
	subscribe(t, sess, Request{URL: srv.URL, Body: []byte(`{"q":1}`), Retry: time.Millisecond,
		Header: http.Header{"Content-Type": {"application/json"}}}, Hooks{})
	for i := range 2 {
		got := recv(t, reqs, "request")
		if got.method != http.MethodPost || got.body != `{"q":1}` || got.header.Get("Content-Type") != "application/json" {
			t.Errorf("request %d: %s %q %q", i, got.method, got.body, got.header.Get("Content-Type"))
		}
	}
}

func TestSubscribeReadTimeout(t *testing.T) {
	srv := newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
		stream(w, "text/event-stream")(": hello\n\n")
		<-r.Context().Done()
	})
	sess := NewSession(Limits{})
	hooks, closed := closes()
	sub := subscribe(t, sess, Request{URL: srv.URL, ReadTimeout: 50 * time.Millisecond, Retry: time.Hour}, hooks)
	rep := recv(t, closed, "timeout")
	if rep.conn.Cause != CauseTimeout || rep.reconnectIn != time.Hour {
		t.Errorf("closed with cause %s, reconnectIn %v; want timeout, 1h", rep.conn.Cause, rep.reconnectIn)
	}
	if !strings.Contains(rep.conn.Err, "no data for 50ms") {
		t.Errorf("conn err = %q", rep.conn.Err)
	}
	if idle := rep.conn.End - rep.conn.FirstByteAt; idle < 50*time.Millisecond {
		t.Errorf("ended %v after the last byte, before the timeout", idle)
	}
	if st, _ := sub.Lane().State(); st != StateReconnecting {
		t.Errorf("state = %s, want reconnecting", st)
	}
}

func TestSubscribeReadTimeoutCoversHeaders(t *testing.T) {
	srv := newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // never answers
	})
	sess := NewSession(Limits{})
	hooks, closed := closes()
	subscribe(t, sess, Request{URL: srv.URL, ReadTimeout: 20 * time.Millisecond, Retry: time.Hour}, hooks)
	rep := recv(t, closed, "timeout")
	if rep.conn.Cause != CauseTimeout || rep.conn.Status != 0 || rep.conn.End-rep.conn.Start < 20*time.Millisecond {
		t.Errorf("closed with %s, status %d, after %v", rep.conn.Cause, rep.conn.Status, rep.conn.End-rep.conn.Start)
	}
}

func TestSubscribeHostHeader(t *testing.T) {
	hosts := make(chan string, 1)
	srv := newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
		hosts <- r.Host
		hang(w, r)
	})
	sess := NewSession(Limits{})
	subscribe(t, sess, Request{URL: srv.URL, Header: http.Header{"Host": {"stream.example"}}}, Hooks{})
	if got := recv(t, hosts, "request"); got != "stream.example" {
		t.Errorf("Host = %q, want stream.example", got)
	}
}

func TestSubscribeAcceptsMalformedContentTypeParameter(t *testing.T) {
	srv := newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream; charset")
		w.Write([]byte("data: ok\n\n"))
	})
	sess := NewSession(Limits{})
	sub := subscribe(t, sess, Request{URL: srv.URL, NoReconnect: true}, Hooks{})
	<-sub.Done()
	snap := sub.Lane().Snapshot()
	if snap.Len() != 1 || snap.Conns[0].Cause == CauseContentType {
		t.Fatalf("events %d, cause %s: a browser accepts this Content-Type", snap.Len(), snap.Conns[0].Cause)
	}
}

func TestSubscribeRetryNowMeansZero(t *testing.T) {
	srv := newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
		stream(w, "text/event-stream")("data: x\n\n")
	})
	hooks, closed := closes()
	subscribe(t, NewSession(Limits{}), Request{URL: srv.URL, Retry: RetryNow}, hooks)
	if rep := recv(t, closed, "end of the first connection"); rep.reconnectIn != 0 {
		t.Errorf("reconnecting in %v, want 0", rep.reconnectIn)
	}
}

func TestSubscribeIgnoresUnrepresentableRetry(t *testing.T) {
	srv := newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
		stream(w, "text/event-stream")("retry: 99999999999999999999\ndata: x\n\n")
	})
	hooks, closed := closes()
	subscribe(t, NewSession(Limits{}), Request{URL: srv.URL, Retry: 7 * time.Millisecond}, hooks)
	if rep := recv(t, closed, "end of the first connection"); rep.reconnectIn != 7*time.Millisecond {
		t.Errorf("reconnecting in %v, want the 7ms the huge retry field left alone", rep.reconnectIn)
	}
}

func TestSubscribeFollowsTwentyRedirects(t *testing.T) {
	var srv *seqServer
	srv = newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		if n < 20 {
			http.Redirect(w, r, fmt.Sprintf("%s/?n=%d", srv.URL, n+1), http.StatusFound)
			return
		}
		stream(w, "text/event-stream")("data: x\n\n")
	})
	sub := subscribe(t, NewSession(Limits{}), Request{URL: srv.URL + "/?n=0", NoReconnect: true}, Hooks{})
	waitDone(t, sub)
	c := sub.Lane().Snapshot().Conns[0]
	if c.Status != http.StatusOK || len(c.Redirects) != 20 {
		t.Errorf("status %d after %d redirects, want 200 after 20", c.Status, len(c.Redirects))
	}
}

func TestSubscribeStopsAtTheTwentyFirstRedirect(t *testing.T) {
	var srv *seqServer
	srv = newSeqServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, srv.URL+"/again", http.StatusFound)
	})
	sub := subscribe(t, NewSession(Limits{}), Request{URL: srv.URL, NoReconnect: true}, Hooks{})
	waitDone(t, sub)
	if n := srv.n.Load(); n != 21 {
		t.Errorf("%d requests made, want 21 (the first and 20 redirects)", n)
	}
}
