package inspector

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"time"

	"github.com/sseinspector/sseinspector/inspector/sse"
)

// attempt is the outcome of one connection attempt.
type attempt struct {
	conn  int
	cause CloseCause
	// err is a *ConnError, or nil when the attempt was cancelled.
	err error
	// dropped is errPaused or errReconnectNow when a control call ended
	// the attempt.
	dropped error
}

// readBufferSize bounds one body read. Network reads rarely carry more,
// so nearly every read the network delivers is recorded as it came.
const readBufferSize = 32 << 10

// connect makes one connection attempt and reads its body to the end,
// recording everything on the lane. ok is false when the subscription was
// paused before the attempt began (nothing was recorded).
func (s *Subscription) connect() (a attempt, ok bool) {
	connCtx, drop := context.WithCancelCause(s.ctx)
	defer drop(nil)
	s.mu.Lock()
	if s.paused {
		s.mu.Unlock()
		return attempt{}, false
	}
	s.dropConn = drop
	s.skipWait = false // this attempt is the reconnection that was asked for
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.dropConn = nil
		s.mu.Unlock()
	}()

	var body io.Reader
	if s.req.Body != nil {
		body = bytes.NewReader(s.req.Body) // NewRequest also sets GetBody, so 307/308 redirects resend it
	}
	hreq, err := http.NewRequestWithContext(connCtx, s.method, s.url, body)
	lastID := s.parser.LastEventID()
	s.lane.SetState(StateConnecting, "")
	if err != nil {
		// Subscribe validated method and URL, so this is not expected.
		s.conn = s.lane.StartConn(s.sess.Now(), s.method, s.url, nil, lastID)
		rec := &ConnRecorder{Lane: s.lane, Conn: s.conn, Parser: &s.parser}
		return s.ended(rec, connCtx, CauseConnect, fmt.Errorf("build request: %w", err)), true
	}
	s.setHeaders(hreq, lastID)
	s.conn = s.lane.StartConn(s.sess.Now(), s.method, s.url, hreq.Header, lastID)
	rec := &ConnRecorder{Lane: s.lane, Conn: s.conn, Parser: &s.parser, OnItem: s.onItem}

	watchdog := startWatchdog(s.req.ReadTimeout, func() { drop(errReadTimeout) })
	defer watchdog.stop()

	resp, err := s.client.Do(hreq)
	if err != nil {
		watchdog.stop()
		return s.ended(rec, connCtx, CauseConnect, err), true
	}
	defer resp.Body.Close()
	watchdog.reset()
	s.lane.SetResponse(s.conn, s.sess.Now(), resp.StatusCode, resp.Proto, resp.Header)

	if ce := refusal(resp); ce != nil {
		rec.End(s.sess.Now(), ce.Cause, ce)
		return attempt{conn: s.conn, cause: ce.Cause, err: ce}, true
	}

	wire := &wireReader{r: resp.Body, onRead: watchdog.reset}
	decoded, err := newBodyReader(resp.Header.Get("Content-Encoding"), wire)
	if err != nil {
		// A browser cannot decode it either; to it that is a network error.
		return s.ended(rec, connCtx, CauseReset, err), true
	}
	s.lane.SetState(StateOpen, "")
	if s.hooks.OnOpen != nil {
		s.hooks.OnOpen(s.lane, s.connRecord(s.conn))
	}

	cause, cerr := s.readBody(rec, wire, decoded, slices.Contains(resp.TransferEncoding, "chunked"))
	watchdog.stop()
	return s.ended(rec, connCtx, cause, cerr), true
}

// refusal is the error that makes an EventSource fail a response for
// good: a status other than 200, or a Content-Type other than
// text/event-stream. It is nil for a response the stream can read.
func refusal(resp *http.Response) *ConnError {
	if resp.StatusCode != http.StatusOK {
		return &ConnError{Cause: CauseHTTPStatus, Status: resp.StatusCode, StatusText: resp.Status}
	}
	ct := resp.Header.Get("Content-Type")
	// Browsers look at the essence only: a malformed parameter does not
	// make a text/event-stream response something else.
	if mt, _, err := mime.ParseMediaType(ct); (err != nil && !errors.Is(err, mime.ErrInvalidMediaParameter)) || mt != "text/event-stream" {
		return &ConnError{Cause: CauseContentType, ContentType: ct}
	}
	return nil
}

// readBody records every read of the body until it ends, and says how it
// ended.
func (s *Subscription) readBody(rec *ConnRecorder, wire *wireReader, decoded io.Reader, chunked bool) (CloseCause, error) {
	if s.buf == nil {
		s.buf = make([]byte, readBufferSize)
	}
	buf := s.buf
	var fed int64 // wire bytes already attributed to a recorded read
	for {
		n, rerr := decoded.Read(buf)
		if n > 0 {
			// A decoded chunk is timed by the latest network read, and
			// carries the wire bytes consumed since the previous chunk.
			rec.Feed(s.sess.Since(wire.lastAt), 0, int(wire.total-fed), buf[:n])
			fed = wire.total
		}
		if rerr == nil {
			continue
		}
		if wire.total > fed {
			// Bytes that decoded to nothing (a gzip trailer) still count
			// on the wire.
			rec.Feed(s.sess.Since(wire.lastAt), 0, int(wire.total-fed), nil)
		}
		return bodyEnd(rerr, wire.err, chunked)
	}
}

// setHeaders sets what a browser's EventSource sends, then the user's
// headers, then Last-Event-ID from the parser.
func (s *Subscription) setHeaders(r *http.Request, lastID string) {
	h := r.Header
	h.Set("Accept", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	// Offered like a browser so that compressing proxies show themselves;
	// the transport has compression disabled, so it leaves the body alone.
	h.Set("Accept-Encoding", "gzip, deflate")
	for k, vs := range s.header {
		h.Del(k)
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	if s.host != "" {
		r.Host = s.host
	}
	if lastID != "" {
		h.Set("Last-Event-ID", lastID)
	}
}

// bodyEnd classifies how a body read loop ended. decErr is what the
// (possibly decoding) reader returned, wireErr what the body itself
// returned, if it returned anything yet.
func bodyEnd(decErr, wireErr error, chunked bool) (CloseCause, error) {
	switch {
	case errors.Is(decErr, io.EOF) && (wireErr == nil || errors.Is(wireErr, io.EOF)):
		return CauseEOF, nil
	case errors.Is(wireErr, io.EOF):
		// The transport ended cleanly but the content did not decode.
		return CauseEOF, decErr
	case wireErr != nil:
		if errors.Is(wireErr, io.ErrUnexpectedEOF) && chunked {
			// Go's chunked reader says so when the connection closes
			// before the terminating chunk: Chrome's
			// ERR_INCOMPLETE_CHUNKED_ENCODING, a proxy's idle timeout.
			return CauseIncompleteChunked, wireErr
		}
		return CauseReset, wireErr
	}
	return CauseReset, decErr
}

// ended records the end of the attempt. cause and err are what the
// network said; a cancellation or a drop from our side, visible on the
// connection's context, takes precedence, because then the network error
// is only its echo.
func (s *Subscription) ended(rec *ConnRecorder, connCtx context.Context, cause CloseCause, err error) attempt {
	at := s.sess.Now()
	a := attempt{conn: rec.Conn}
	dropped := context.Cause(connCtx)
	switch {
	case s.ctx.Err() != nil:
		a.cause = CauseCancelled
		rec.End(at, a.cause, nil)
		return a
	case cause == CauseEOF && err == nil:
		// A clean end stands even if a drop raced with it.
	case dropped == errPaused || dropped == errReconnectNow:
		a.cause, a.dropped = CauseCancelled, dropped
		rec.End(at, a.cause, dropped)
		return a
	case dropped == errReadTimeout:
		cause, err = CauseTimeout, fmt.Errorf("no data for %v", s.req.ReadTimeout)
	}
	a.cause = cause
	a.err = &ConnError{Cause: cause, Err: err}
	rec.End(at, cause, err)
	return a
}

// onItem follows retry fields and passes every item to the hook.
func (s *Subscription) onItem(it *sse.Item, at time.Duration) {
	if it.Kind == sse.ItemRetry {
		s.retry = it.Retry
	}
	if s.hooks.OnItem != nil {
		s.hooks.OnItem(s.lane, it, at)
	}
}

// watchdog implements the read timeout: it fires when it has not been
// reset for its duration. A nil watchdog never fires.
type watchdog struct {
	d time.Duration
	t *time.Timer
}

func startWatchdog(d time.Duration, fire func()) *watchdog {
	if d <= 0 {
		return nil
	}
	return &watchdog{d: d, t: time.AfterFunc(d, fire)}
}

func (w *watchdog) reset() {
	if w != nil {
		w.t.Reset(w.d)
	}
}

func (w *watchdog) stop() {
	if w != nil {
		w.t.Stop()
	}
}
