package proxytap

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/sse"

	"github.com/sseinspector/sseinspector/inspector"
)

// The pieces an origin sends: line endings of every kind, a CRLF split
// across two writes, a comment, a BOM, invalid UTF-8 and an unterminated
// last event.
var oddPieces = []string{
	"\xEF\xBB\xBFdata: first\r\n\r\n",
	": keep-alive\r",
	"\n",
	"event: tick\rid: 7\rdata: a\r\rdata: b\r",
	"\ndata: c\n\n",
	"data: \xff\xfe not utf-8\n\n",
	"retry: 1500\n\n",
	"data: never finished",
}

func TestReversePassesBytesIdentically(t *testing.T) {
	origin := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		sseHeaders(w)
		writePieces(w, oddPieces...)
	})
	_, sess, base := startTap(t, Config{Upstream: origin.URL})

	resp := getStream(t, rawClient(), base+"/stream?x=1")
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("reading through the tap: %v", err)
	}
	want := strings.Join(oddPieces, "")
	if string(got) != want {
		t.Fatalf("browser received\n%q\nwant\n%q", got, want)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type = %q", ct)
	}

	snap := waitFor(t, sess, "the stream's end", connsEnded(inspector.LaneTap, 1))
	lane := laneOfKind(snap, inspector.LaneTap)
	c := lane.Conns[0]
	if lane.Info.URL != origin.URL+"/stream?x=1" {
		t.Errorf("lane URL = %q, want the upstream URL", lane.Info.URL)
	}
	if c.Status != 200 || c.Proto != "HTTP/1.1" || c.Cause != inspector.CauseEOF || c.Peer != inspector.CauseEOF {
		t.Errorf("conn = status %d proto %q cause %q peer %q; want 200 HTTP/1.1 eof eof", c.Status, c.Proto, c.Cause, c.Peer)
	}
	if c.WireBytes != int64(len(want)) || c.Bytes != int64(len(want)) {
		t.Errorf("recorded %d wire / %d decoded bytes, want %d", c.WireBytes, c.Bytes, len(want))
	}
	if got := c.ResponseHeader.Get("Transfer-Encoding"); got != "chunked" {
		t.Errorf("recorded Transfer-Encoding = %q, want chunked (how the body was delimited)", got)
	}
	if c.RequestHeader.Get("Accept") != "text/event-stream" {
		t.Errorf("recorded request headers lack the browser's Accept: %v", c.RequestHeader)
	}
	if c.HeadersAt < c.Start || c.FirstByteAt < c.HeadersAt {
		t.Errorf("times out of order: start %v headers %v first byte %v", c.Start, c.HeadersAt, c.FirstByteAt)
	}
	var total int
	for _, rd := range lane.Reads() {
		total += rd.WireSize
		if rd.Delivered < rd.At {
			t.Errorf("read %d delivered at %v before it arrived at %v", rd.Index, rd.Delivered, rd.At)
		}
	}
	if total != len(want) {
		t.Errorf("reads add up to %d bytes, want %d", total, len(want))
	}

	// What a browser's EventSource dispatches, each with both times.
	type ev struct{ typ, data, id string }
	wantEvents := []ev{{"message", "first", ""}, {"tick", "a", "7"}, {"message", "b\nc", "7"}, {"message", "\uFFFD\uFFFD not utf-8", "7"}}
	events := lane.Events()
	if len(events) != len(wantEvents) {
		t.Fatalf("recorded %d events, want %d: %+v", len(events), len(wantEvents), events)
	}
	for i, e := range events {
		if (ev{e.Type, e.Data, e.ID}) != wantEvents[i] {
			t.Errorf("event %d = %q %q id %q, want %q", i, e.Type, e.Data, e.ID, wantEvents[i])
		}
		if e.Arrival <= 0 || e.Delivered < e.Arrival {
			t.Errorf("event %d: arrival %v delivered %v", i, e.Arrival, e.Delivered)
		}
	}
	if c.Discarded != int64(len("data: never finished")) {
		t.Errorf("discarded %d bytes of the unfinished event, want %d", c.Discarded, len("data: never finished"))
	}
	var comment, retry bool
	for _, n := range lane.Notes() {
		comment = comment || (n.Kind == sse.ItemComment && strings.Contains(n.Text, "keep-alive"))
		retry = retry || (n.Kind == sse.ItemRetry && n.Retry == 1500*time.Millisecond)
	}
	if !comment || !retry {
		t.Errorf("notes %+v: want the keep-alive comment and retry 1500ms", lane.Notes())
	}
}

func TestReverseGzipIsDecodedOnlyForTheRecording(t *testing.T) {
	events := []string{"data: one\n\n", "data: two\n\n", "data: " + strings.Repeat("x", 3000) + "\n\n"}
	var sent bytes.Buffer
	origin := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept-Encoding") != "gzip" {
			http.Error(w, "Accept-Encoding not passed through: "+r.Header.Get("Accept-Encoding"), 400)
			return
		}
		sseHeaders(w)
		w.Header().Set("Content-Encoding", "gzip")
		rc := http.NewResponseController(w)
		zw := gzip.NewWriter(io.MultiWriter(w, &sent))
		for _, e := range events {
			io.WriteString(zw, e)
			zw.Flush()
			rc.Flush()
		}
		zw.Close()
	})
	_, sess, base := startTap(t, Config{Upstream: origin.URL})

	resp := getStream(t, rawClient(), base+"/", "Accept-Encoding", "gzip")
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("status %d, err %v: %s", resp.StatusCode, err, got)
	}
	if resp.Header.Get("Content-Encoding") != "gzip" || !bytes.Equal(got, sent.Bytes()) {
		t.Fatalf("browser got %d bytes (Content-Encoding %q), want the origin's %d compressed bytes untouched",
			len(got), resp.Header.Get("Content-Encoding"), sent.Len())
	}
	snap := waitFor(t, sess, "the stream's end", connsEnded(inspector.LaneTap, 1))
	c := laneOfKind(snap, inspector.LaneTap).Conns[0]
	plain := int64(len(strings.Join(events, "")))
	if c.WireBytes != int64(sent.Len()) || c.Bytes != plain {
		t.Errorf("recorded %d wire / %d decoded bytes, want %d / %d", c.WireBytes, c.Bytes, sent.Len(), plain)
	}
	got3 := laneOfKind(snap, inspector.LaneTap).Events()
	if len(got3) != 3 || got3[0].Data != "one" || got3[1].Data != "two" || len(got3[2].Data) != 3000 {
		t.Errorf("parsed %d events from the decoded copy, want one, two and a 3000-byte event", len(got3))
	}
}

// streamEnd is how a hijacking origin ends a chunked event stream.
type streamEnd struct {
	name  string
	raw   string // what follows the headers
	reset bool
	cause inspector.CloseCause
}

func TestReverseUpstreamEndingReachesTheBrowser(t *testing.T) {
	head := "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
	closeDelimited := "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
	for _, tc := range []struct {
		streamEnd
		head      string
		wantClean bool
	}{
		{streamEnd{"reset mid-body", chunk("data: 1\n\n") + chunk("data: 2\n"), true, inspector.CauseReset}, head, false},
		{streamEnd{"chunked body cut short", chunk("data: 1\n\n"), false, inspector.CauseIncompleteChunked}, head, false},
		{streamEnd{"clean chunked end", chunk("data: 1\n\n") + "0\r\n\r\n", false, inspector.CauseEOF}, head, true},
		{streamEnd{"close-delimited end", "data: 1\n\n", false, inspector.CauseEOF}, closeDelimited, true},
		{streamEnd{"close-delimited reset", "data: 1\n\n", true, inspector.CauseReset}, closeDelimited, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			origin := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
				hijackRaw(w, tc.head+tc.raw, tc.reset)
			})
			_, sess, base := startTap(t, Config{Upstream: origin.URL})
			resp := getStream(t, rawClient(), base+"/")
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !strings.HasPrefix(string(body), "data: 1\n\n") {
				t.Errorf("browser got %q before the end, want the first event", body)
			}
			if tc.wantClean && err != nil {
				t.Errorf("browser saw %v, want a clean end", err)
			}
			if !tc.wantClean && err == nil {
				t.Errorf("browser saw a clean end, want an error: the upstream's ending must pass through")
			}
			snap := waitFor(t, sess, "the stream's end", connsEnded(inspector.LaneTap, 1))
			c := laneOfKind(snap, inspector.LaneTap).Conns[0]
			if c.Cause != tc.cause || c.Peer != tc.cause {
				t.Errorf("recorded cause %q peer %q (err %q), want %q for both", c.Cause, c.Peer, c.Err, tc.cause)
			}
		})
	}
}

func TestReverseUnreachableUpstreamIs502(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there any more: connections are refused
	_, sess, base := startTap(t, Config{Upstream: dead})

	resp := getStream(t, rawClient(), base+"/events")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("status %d, want 502", resp.StatusCode)
	}
	if !strings.Contains(string(body), dead) || !strings.Contains(string(body), "refused") {
		t.Errorf("502 body %q should name the upstream and the error", body)
	}
	resp, err = rawClient().Get(base + "/page")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	snap := waitFor(t, sess, "both failures", func(s *inspector.Snapshot) bool {
		return connsEnded(inspector.LaneTap, 1)(s) && connsEnded(inspector.LaneRequest, 1)(s)
	})
	for _, kind := range []inspector.LaneKind{inspector.LaneTap, inspector.LaneRequest} {
		l := laneOfKind(snap, kind)
		c := l.Conns[0]
		if c.Cause != inspector.CauseUpstreamError || !strings.Contains(c.Err, "refused") {
			t.Errorf("%s lane: cause %q err %q, want upstream-error with the dial error", kind, c.Cause, c.Err)
		}
		if l.State != inspector.StateFailed && kind == inspector.LaneTap {
			t.Errorf("stream lane state %q, want failed", l.State)
		}
	}
}

func TestRecordedSecretsAreRedactedUnlessKept(t *testing.T) {
	for _, keep := range []bool{false, true} {
		name := "redacted"
		if keep {
			name = "kept"
		}
		t.Run(name, func(t *testing.T) {
			var seenAuth, seenCookie string
			origin := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
				seenAuth, seenCookie = r.Header.Get("Authorization"), r.Header.Get("Cookie")
				http.SetCookie(w, &http.Cookie{Name: "sid", Value: "s3cr3t-session", Path: "/"})
				sseHeaders(w)
				writePieces(w, "data: hi\n\n")
			})
			_, sess, base := startTap(t, Config{Upstream: origin.URL, KeepSecrets: keep})
			resp := getStream(t, rawClient(), base+"/", "Authorization", "Bearer t0ken-value", "Cookie", "a=c00kie-one; b=c00kie-two")
			io.ReadAll(resp.Body)
			resp.Body.Close()

			// Forwarding never changes: the origin and the browser see the real values.
			if seenAuth != "Bearer t0ken-value" || seenCookie != "a=c00kie-one; b=c00kie-two" {
				t.Errorf("origin saw Authorization %q Cookie %q: secrets must be forwarded untouched", seenAuth, seenCookie)
			}
			if sc := resp.Header.Get("Set-Cookie"); !strings.Contains(sc, "s3cr3t-session") {
				t.Errorf("browser got Set-Cookie %q, want the real value", sc)
			}

			snap := waitFor(t, sess, "the stream's end", connsEnded(inspector.LaneTap, 1))
			c := laneOfKind(snap, inspector.LaneTap).Conns[0]
			recorded := c.RequestHeader.Get("Authorization") + "|" + c.RequestHeader.Get("Cookie") + "|" + c.ResponseHeader.Get("Set-Cookie")
			secrets := []string{"t0ken-value", "c00kie-one", "c00kie-two", "s3cr3t-session"}
			for _, s := range secrets {
				if strings.Contains(recorded, s) != keep {
					t.Errorf("recorded headers %q: secret %q present = %v, want %v", recorded, s, !keep, keep)
				}
			}
			if !keep {
				want := "Bearer [redacted]|a=[redacted]; b=[redacted]|sid=[redacted]; Path=/"
				if recorded != want {
					t.Errorf("recorded %q, want %q (scheme, names and attributes kept)", recorded, want)
				}
			}
		})
	}
}

func TestReconnectWithLastEventIDContinuesTheLane(t *testing.T) {
	origin := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		sseHeaders(w)
		writePieces(w, "id: 41\ndata: x\n\n")
	})
	_, sess, base := startTap(t, Config{Upstream: origin.URL})
	c := rawClient()
	for _, last := range []string{"", "41"} {
		var hdr []string
		if last != "" {
			hdr = []string{"Last-Event-ID", last}
		}
		resp := getStream(t, c, base+"/ev", hdr...)
		io.ReadAll(resp.Body)
		resp.Body.Close()
		// The next request is a reconnect only once this one has ended.
		waitFor(t, sess, "the connection's end", func(s *inspector.Snapshot) bool {
			l := laneOfKind(s, inspector.LaneTap)
			return l != nil && len(l.Conns) > 0 && !l.Conns[len(l.Conns)-1].Open()
		})
	}
	snap := waitFor(t, sess, "two connections on one lane", connsEnded(inspector.LaneTap, 2))
	conns := laneOfKind(snap, inspector.LaneTap).Conns
	if conns[0].LastEventID != "" || conns[1].LastEventID != "41" {
		t.Errorf("Last-Event-ID recorded as %q then %q, want \"\" then 41", conns[0].LastEventID, conns[1].LastEventID)
	}
	if conns[1].RequestHeader.Get("Last-Event-ID") != "41" {
		t.Errorf("reconnect's request headers lack Last-Event-ID: %v", conns[1].RequestHeader)
	}
}

func TestNonStreamRequestsGetARequestLane(t *testing.T) {
	origin := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<title>page</title>")
	})
	_, sess, base := startTap(t, Config{Upstream: origin.URL})
	resp, err := rawClient().Post(base+"/submit", "text/plain", strings.NewReader("body"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "<title>page</title>" {
		t.Fatalf("body %q", body)
	}
	snap := waitFor(t, sess, "the request lane", connsEnded(inspector.LaneRequest, 1))
	l := laneOfKind(snap, inspector.LaneRequest)
	c := l.Conns[0]
	if c.Method != "POST" || c.URL != origin.URL+"/submit" || c.Status != 200 || c.Cause != inspector.CauseEOF {
		t.Errorf("request conn = %s %s %d %q", c.Method, c.URL, c.Status, c.Cause)
	}
	if c.HeadersAt <= 0 || c.End < c.HeadersAt {
		t.Errorf("timing: headers %v end %v", c.HeadersAt, c.End)
	}
	if l.ReadCount() != 0 || c.Bytes != 0 {
		t.Errorf("a request lane records no body, got %d reads %d bytes", l.ReadCount(), c.Bytes)
	}
}

func TestEventSourceFailuresAreRecordedOnTheStreamLane(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		ctype  string
		cause  inspector.CloseCause
	}{
		{"wrong content type", 200, "text/html", inspector.CauseContentType},
		{"error status", 503, "text/event-stream", inspector.CauseHTTPStatus},
	} {
		t.Run(tc.name, func(t *testing.T) {
			origin := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tc.ctype)
				w.WriteHeader(tc.status)
				io.WriteString(w, "data: not an event\n\n")
			})
			_, sess, base := startTap(t, Config{Upstream: origin.URL})
			resp := getStream(t, rawClient(), base+"/")
			io.ReadAll(resp.Body)
			resp.Body.Close()
			snap := waitFor(t, sess, "the stream's end", connsEnded(inspector.LaneTap, 1))
			l := laneOfKind(snap, inspector.LaneTap)
			if c := l.Conns[0]; c.Cause != tc.cause || c.Status != tc.status || l.State != inspector.StateFailed {
				t.Errorf("cause %q status %d state %q, want %q %d failed", c.Cause, c.Status, l.State, tc.cause, tc.status)
			}
		})
	}
}

func TestBrowserGoingAwayIsRecordedAndReachesTheUpstream(t *testing.T) {
	upstreamDone := make(chan error, 1)
	origin := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		sseHeaders(w)
		writePieces(w, "data: hello\n\n")
		<-r.Context().Done()
		upstreamDone <- r.Context().Err()
	})
	_, sess, base := startTap(t, Config{Upstream: origin.URL})
	resp := getStream(t, rawClient(), base+"/")
	readDataLines(t, resp.Body, 1)
	resp.Body.Close() // the browser closes the tab

	select {
	case err := <-upstreamDone:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("upstream request ended with %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the upstream request was not cancelled when the browser left")
	}
	snap := waitFor(t, sess, "the stream's end", connsEnded(inspector.LaneTap, 1))
	c := laneOfKind(snap, inspector.LaneTap).Conns[0]
	if c.Cause != inspector.CauseClientGone || c.Peer != inspector.CauseClientGone {
		t.Errorf("cause %q peer %q, want client-gone for both", c.Cause, c.Peer)
	}
}

func TestReverseModeOnlyReachesItsUpstream(t *testing.T) {
	var gotPath string
	origin := newOrigin(t, func(w http.ResponseWriter, r *http.Request) { gotPath = r.URL.Path })
	_, _, base := startTap(t, Config{Upstream: origin.URL + "/base"})

	// An absolute-form request naming another host still goes upstream.
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET http://elsewhere.invalid/x HTTP/1.1\r\nHost: elsewhere.invalid\r\nConnection: close\r\n\r\n")
	status, _ := io.ReadAll(conn)
	if !bytes.HasPrefix(status, []byte("HTTP/1.1 200")) || gotPath != "/base/x" {
		t.Errorf("absolute-form request: %q, upstream path %q; want 200 from the upstream at /base/x", firstLine(status), gotPath)
	}

	req, _ := http.NewRequest(http.MethodConnect, base, nil)
	req.Host = "elsewhere.invalid:443"
	resp, err := rawClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("CONNECT in reverse mode: %d, want 405", resp.StatusCode)
	}
}

func firstLine(b []byte) string {
	line, _, _ := bytes.Cut(b, []byte("\r\n"))
	return string(line)
}

func TestListenIsLoopbackOnlyUnlessAllowed(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8090": true, "localhost:1": true, "[::1]:80": true, "127.1.2.3:5": true,
		":8090": false, "0.0.0.0:8090": false, "192.168.1.2:80": false, "[::]:1": false,
	} {
		if got := IsLoopback(addr); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", addr, got, want)
		}
	}
	if ln, err := Listen("0.0.0.0:0", false); err == nil {
		ln.Close()
		t.Error("Listen on 0.0.0.0 without allowRemote succeeded")
	}
	tap, err := New(Config{Upstream: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tap.Start(":0"); err == nil {
		tap.Close()
		t.Error("Start on all interfaces without AllowRemote succeeded")
	}
}
