package inspector

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// aLongTimeAgo is a deadline in the past: setting it unblocks any read or
// write in progress on a connection.
var aLongTimeAgo = time.Unix(1, 0)

// roundTrip writes req on the connection and reads its response headers;
// the response's body reads the rest of the response off the connection.
func (pc *h1Conn) roundTrip(t *StreamTransport, req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	// Cancelling the request unblocks whatever waits on the connection.
	stop := context.AfterFunc(ctx, func() { pc.conn.SetDeadline(aLongTimeAgo) })
	fail := func(err error) (*http.Response, error) {
		stop()
		pc.conn.Close()
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Redacted(), ctx.Err())
		}
		return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Redacted(), err)
	}
	if err := req.Write(pc.conn); err != nil {
		return fail(err)
	}
	if _, err := pc.br.Peek(1); err != nil {
		return fail(&nothingArrived{err})
	}
	var resp *http.Response
	for {
		var err error
		resp, err = http.ReadResponse(pc.br, req)
		if err != nil {
			return fail(err)
		}
		// Informational responses (100 Continue, 103 Early Hints) precede
		// the real one; 101 is the real one.
		if resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
			break
		}
	}
	mode, length := framingOf(resp)
	body := &h1Body{
		pc:    pc,
		t:     t,
		ctx:   ctx,
		stop:  stop,
		fr:    newFrameReader(pc.br, mode, length, resp.Trailer),
		reuse: !resp.Close && !req.Close,
	}
	// A bodiless response is complete before anyone reads it.
	body.ended.Store(body.fr.complete())
	resp.Body = body
	return resp, nil
}

// nothingArrived is the error of a connection that ended before any byte
// of a response arrived: on a reused connection, the server had closed it
// while idle, and the request can be sent again.
type nothingArrived struct{ err error }

func (e *nothingArrived) Error() string {
	return "connection closed before any response: " + e.err.Error()
}
func (e *nothingArrived) Unwrap() error { return e.err }

// framingOf says how the body of a response read by http.ReadResponse is
// delimited. ReadResponse has already decided which responses have no
// body (HEAD, 204, 304) and checked Content-Length against
// Transfer-Encoding.
func framingOf(resp *http.Response) (framing, int64) {
	switch {
	case resp.Body == http.NoBody:
		return framingLength, 0
	case len(resp.TransferEncoding) > 0 && resp.TransferEncoding[0] == "chunked":
		return framingChunked, 0
	case resp.ContentLength >= 0:
		return framingLength, resp.ContentLength
	}
	return framingClose, 0
}

// h1Body is an HTTP/1.x response body read off its connection. Closing
// it after its end returns the connection to the idle pool; closing it
// earlier closes the connection.
type h1Body struct {
	pc    *h1Conn
	t     *StreamTransport
	ctx   context.Context
	stop  func() bool
	fr    *frameReader
	reuse bool

	ended atomic.Bool // read to its framed end
	once  sync.Once
}

var _ io.ReadCloser = (*h1Body)(nil)

func (b *h1Body) Read(p []byte) (int, error) {
	n, err := b.fr.Read(p)
	if err == io.EOF {
		b.ended.Store(b.fr.complete())
	}
	// The deadline set on cancellation is only its echo; a body read to
	// its framed end stays complete.
	if err != nil && err != io.EOF && b.ctx.Err() != nil {
		err = b.ctx.Err()
	}
	return n, err
}

// Close releases the connection. It may be called while a Read blocks,
// which then returns an error.
func (b *h1Body) Close() error {
	b.once.Do(func() {
		// stop reports false when the cancellation already poisoned the
		// connection's deadline.
		if b.stop() && b.reuse && b.ended.Load() {
			b.t.putIdle(b.pc)
			return
		}
		b.pc.conn.Close()
	})
	return nil
}
