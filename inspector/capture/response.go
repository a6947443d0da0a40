package capture

import (
	"bufio"
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// response reads the responses a server sends on one connection.
type response struct {
	mode    bodyMode
	buf     []byte
	chunked *chunkedDecoder
	left    int64 // body bytes left by Content-Length; -1: until the connection closes
	lane    *inspector.Lane
	rec     *inspector.ConnRecorder
	decode  bool         // the body is not content-encoded: its events are parsed
	dec     *pushDecoder // undoes a gzip or deflate Content-Encoding
	resync  bool         // after a gap: skipping to the next event boundary
	out     []byte
}

type bodyMode int

const (
	modeHeaders bodyMode = iota // reading a status line and headers
	modeBody                    // reading a body
	modeDead                    // lost track: the rest of the connection is ignored
)

// serverData parses the responses a server sends.
func (c *conn) serverData(b []byte, at time.Time) {
	if c.kind != kindHTTP {
		return
	}
	r := &c.resp
	for len(b) > 0 {
		switch r.mode {
		case modeDead:
			return
		case modeHeaders:
			block, rest, ok := headerBlock(&r.buf, b)
			if !ok {
				if len(r.buf) > maxHeaderBytes {
					r.mode = modeDead
					c.r.warnf("connection %s → %s: a response header block longer than %d bytes; the rest is ignored",
						c.client, c.server, maxHeaderBytes)
				}
				return
			}
			r.buf = nil
			c.startResponse(block, at)
			b = rest
		case modeBody:
			b = b[c.body(b, at):]
		}
	}
}

// startResponse parses a header block and prepares for its body.
func (c *conn) startResponse(block []byte, at time.Time) {
	r := &c.resp
	if len(c.requests) == 0 {
		r.mode = modeDead
		c.r.warnf("connection %s → %s: a response whose request is not in the capture; the connection is ignored",
			c.client, c.server)
		return
	}
	req := c.requests[0]
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(block)), &http.Request{Method: req.method})
	if err != nil {
		r.mode = modeDead
		c.r.warnf("connection %s → %s: a response that does not parse (%v); the connection is ignored", c.client, c.server, err)
		return
	}
	if resp.StatusCode >= 100 && resp.StatusCode < 200 {
		if resp.StatusCode == http.StatusSwitchingProtocols {
			r.mode = modeDead
		}
		return // an interim response: the final one follows
	}
	c.requests = c.requests[1:]
	c.r.res.Responses++
	r.mode, r.chunked, r.left = modeBody, nil, resp.ContentLength
	switch {
	case req.method == http.MethodHead || resp.StatusCode == http.StatusNoContent || resp.StatusCode == http.StatusNotModified:
		r.left = 0
	case len(resp.TransferEncoding) > 0 && resp.TransferEncoding[0] == "chunked":
		r.chunked, r.left = &chunkedDecoder{}, -1
	}
	mediaType, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	isSSE := mediaType == "text/event-stream"
	if isSSE || strings.Contains(req.header.Get("Accept"), "text/event-stream") {
		c.startLane(req, resp, isSSE, at)
	}
	if r.left == 0 {
		c.bodyEnd(at)
	}
}

// startLane records an event-stream response (or the failed response to an
// EventSource's request) as a connection of its lane.
func (c *conn) startLane(req *request, resp *http.Response, isSSE bool, at time.Time) {
	r := &c.resp
	r.lane = c.r.laneFor(c, req)
	last := req.header.Get("Last-Event-ID")
	idx := r.lane.StartConn(c.r.since(req.at), req.method, req.url(), req.header, last)
	r.lane.SetResponse(idx, c.r.since(at), resp.StatusCode, resp.Proto, resp.Header)
	r.rec = &inspector.ConnRecorder{Lane: r.lane, Conn: idx, Parser: newParser(last, c.r.opts.Limits)}
	enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	r.decode = enc == "" || enc == "identity"
	r.resync = false
	if enc == "gzip" || enc == "x-gzip" || enc == "deflate" {
		r.dec = newPushDecoder(enc)
	}
	switch {
	case resp.StatusCode != http.StatusOK:
		r.end(c, at, inspector.CauseHTTPStatus, fmt.Sprintf("HTTP status %d", resp.StatusCode))
	case !isSSE:
		r.end(c, at, inspector.CauseContentType, fmt.Sprintf("Content-Type %q", resp.Header.Get("Content-Type")))
	default:
		c.r.res.Streams++
		if !r.decode && r.dec == nil {
			r.lane.SetState(inspector.StateOpen, fmt.Sprintf("Content-Encoding %s: the capture keeps the timing of "+
				"the compressed bytes; events are not decoded", enc))
		}
	}
}

// body consumes body bytes and returns how many of b belonged to the body.
func (c *conn) body(b []byte, at time.Time) int {
	r := &c.resp
	var payload []byte
	n := len(b)
	switch {
	case r.chunked != nil:
		var err error
		payload, n, err = r.chunked.decode(b, r.out[:0])
		r.out = payload[:0]
		if err != nil {
			c.lost(at, fmt.Sprintf("invalid chunked framing (%v)", err))
			return len(b)
		}
	case r.left >= 0:
		n = int(min(int64(len(b)), r.left))
		payload = b[:n]
		r.left -= int64(n)
	default:
		payload = b
	}
	if r.rec != nil {
		// A read's wire size counts the body as a client's HTTP library
		// hands it over: without chunk framing, before content decoding.
		r.feed(c.r.since(at), len(payload), payload)
	}
	if (r.chunked != nil && r.chunked.done) || r.left == 0 {
		c.bodyEnd(at)
	}
	return n
}

// feed records one segment's share of an event-stream body.
func (r *response) feed(at time.Duration, wire int, payload []byte) {
	if r.dec != nil {
		out, err := r.dec.feed(payload)
		if err != nil {
			r.dec.close()
			r.dec = nil
			r.lane.SetState(inspector.StateClosed, fmt.Sprintf("%v: events after it are not decoded", err))
		}
		r.rec.Feed(at, 0, wire, out)
		return
	}
	if !r.decode {
		r.rec.Feed(at, 0, wire, nil)
		return
	}
	if r.resync {
		i := bytes.Index(payload, []byte("\n\n"))
		if i < 0 {
			r.rec.Feed(at, 0, wire, nil)
			return
		}
		r.resync = false
		payload = payload[i+2:]
	}
	r.rec.Feed(at, 0, wire, payload)
}

// bodyEnd closes a complete body and waits for the next response.
func (c *conn) bodyEnd(at time.Time) {
	r := &c.resp
	if r.rec != nil {
		r.end(c, at, inspector.CauseEOF, "")
	}
	r.mode, r.chunked = modeHeaders, nil
}

// end ends the lane connection of the current response.
func (r *response) end(c *conn, at time.Time, cause inspector.CloseCause, msg string) {
	if r.rec == nil {
		return
	}
	var err error
	if msg != "" {
		err = fmt.Errorf("%s", msg)
	}
	if r.dec != nil {
		r.dec.close()
		r.dec = nil
	}
	r.rec.End(c.r.since(at), cause, err)
	c.r.release(r.lane)
	r.rec, r.lane = nil, nil
}

// lost gives up on the rest of the connection.
func (c *conn) lost(at time.Time, why string) {
	c.resp.end(c, at, inspector.CauseReset, why+"; the rest of the connection is not decoded")
	c.resp.mode = modeDead
	c.r.warnf("connection %s → %s: %s; the rest is not decoded", c.client, c.server, why)
}

// serverGap handles bytes of the responses the capture missed. A body
// without framing picks up again at the next event boundary; chunked
// framing cannot be found again, so the connection is given up.
func (c *conn) serverGap(n int64, at time.Time) {
	r := &c.resp
	if r.mode == modeDead || c.kind != kindHTTP {
		return
	}
	if r.rec != nil {
		c.r.gapAt(r.lane, r.rec.Conn, at, n)
	}
	switch {
	case r.mode == modeBody && r.chunked == nil && r.dec == nil:
		if r.left > 0 {
			r.left = max(r.left-n, 0)
		}
		if r.rec != nil {
			r.resync = true
			r.rec.Parser = newParser("", c.r.opts.Limits)
		}
		if r.left == 0 {
			c.bodyEnd(at)
		}
	default:
		c.lost(at, fmt.Sprintf("the capture is missing %d bytes of the responses", n))
	}
}

// endByServer records a server's FIN or RST.
func (r *response) endByServer(c *conn, at time.Time, how string) {
	switch {
	case r.rec == nil:
	case how == "RST":
		r.end(c, at, inspector.CauseReset, "the server sent RST")
	case r.chunked != nil && !r.chunked.done:
		r.end(c, at, inspector.CauseIncompleteChunked, "the server sent FIN before the last chunk")
	case r.left > 0:
		r.end(c, at, inspector.CauseReset, fmt.Sprintf("the server sent FIN %d bytes short of the Content-Length", r.left))
	default:
		r.end(c, at, inspector.CauseEOF, "the server sent FIN")
	}
	r.mode = modeDead
}

// endByPeer records that the client went away while the stream was open.
func (r *response) endByPeer(c *conn, at time.Time, msg string) {
	r.end(c, at, inspector.CauseClientGone, msg)
}
