package capture

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// maxHeaderBytes bounds a request's or a response's header block.
const maxHeaderBytes = 64 << 10

// maxQueuedRequests bounds the requests waiting for their responses on one
// connection (pipelining).
const maxQueuedRequests = 256

// request is an HTTP request seen from the client, waiting for its response.
type request struct {
	at     time.Time
	method string
	target string
	host   string
	header http.Header
}

// httpMethods are the request methods that mark a connection as HTTP.
var httpMethods = []string{"GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE "}

// classify tells what a connection carries from its first client bytes.
func classify(b []byte) connKind {
	if len(b) >= 2 && b[0] == 0x16 && b[1] == 0x03 {
		return kindTLS
	}
	if bytes.HasPrefix(b, []byte("PRI * HTTP/2")) {
		return kindHTTP2
	}
	for _, m := range httpMethods {
		if bytes.HasPrefix(b, []byte(m)) || (len(b) < len(m) && bytes.HasPrefix([]byte(m), b)) {
			return kindHTTP
		}
	}
	return kindOther
}

// clientData parses the requests a client sends.
func (c *conn) clientData(b []byte, at time.Time) {
	if c.kind == kindUnknown {
		c.classifyFrom(b)
	}
	if c.kind != kindHTTP || c.reqStuck {
		return
	}
	for len(b) > 0 {
		if c.reqBody > 0 {
			n := int(min(int64(len(b)), c.reqBody))
			c.reqBody -= int64(n)
			b = b[n:]
			continue
		}
		if c.reqBuf == nil {
			c.reqAt = at
		}
		end, rest, ok := headerBlock(&c.reqBuf, b)
		if !ok {
			if len(c.reqBuf) > maxHeaderBytes {
				c.stuck(fmt.Sprintf("a request header block longer than %d bytes", maxHeaderBytes))
			}
			return
		}
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(end)))
		c.reqBuf = nil
		if err != nil {
			c.stuck(fmt.Sprintf("a request that does not parse (%v)", err))
			return
		}
		if len(c.requests) >= maxQueuedRequests {
			c.stuck(fmt.Sprintf("more than %d requests without a response", maxQueuedRequests))
			return
		}
		c.requests = append(c.requests, &request{at: c.reqAt, method: req.Method, target: req.RequestURI,
			host: req.Host, header: req.Header})
		switch {
		case len(req.TransferEncoding) > 0:
			c.stuck("a request body with chunked framing")
			return
		case req.ContentLength > 0:
			c.reqBody = req.ContentLength
		}
		b = rest
	}
}

// classifyFrom sets the connection's kind from its first client bytes.
func (c *conn) classifyFrom(b []byte) {
	c.kind = classify(b)
	switch c.kind {
	case kindTLS:
		c.r.res.TLS = append(c.r.res.TLS, Stream{Client: c.client.String(), Server: c.server.String()})
	case kindHTTP2:
		c.r.warnf("connection %s → %s speaks HTTP/2 without TLS (h2c): not decoded", c.client, c.server)
	}
}

// stuck stops reading a connection's requests.
func (c *conn) stuck(why string) {
	c.reqStuck = true
	c.r.warnf("connection %s → %s: %s; later requests on it are not read", c.client, c.server, why)
}

// url is the request's URL: its target when the client sent an absolute
// one (to a forward proxy), else its Host and target.
func (r *request) url() string {
	if strings.HasPrefix(r.target, "http://") || strings.HasPrefix(r.target, "https://") {
		return r.target
	}
	return "http://" + r.host + r.target
}

// headerBlock appends b to *buf until it holds a header block ending in an
// empty line. It returns the block, the bytes of b after it, and whether
// the block is complete.
func headerBlock(buf *[]byte, b []byte) (block, rest []byte, ok bool) {
	start := len(*buf) - 3
	if start < 0 {
		start = 0
	}
	*buf = append(*buf, b...)
	i := bytes.Index((*buf)[start:], []byte("\r\n\r\n"))
	sep := 4
	if j := bytes.Index((*buf)[start:], []byte("\n\n")); j >= 0 && (i < 0 || j < i) {
		i, sep = j, 2
	}
	if i < 0 {
		return nil, nil, false
	}
	end := start + i + sep
	consumed := end - (len(*buf) - len(b))
	return (*buf)[:end], b[consumed:], true
}
