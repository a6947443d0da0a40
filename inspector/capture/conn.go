package capture

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/sse"
)

// connKind is what a TCP connection carries.
type connKind int

const (
	kindUnknown connKind = iota // no payload yet
	kindHTTP                    // plain HTTP/1.x
	kindTLS                     // TLS: listed, not decoded
	kindHTTP2                   // HTTP/2 with prior knowledge: not decoded
	kindOther                   // anything else, or a connection already open when the capture began
)

// conn is one TCP connection of the capture.
type conn struct {
	r              *reader
	client, server netip.AddrPort
	up, down       stream // client → server, server → client
	upSink         upSink
	downSink       downSink
	kind           connKind
	clientEnded    bool
	serverEnded    bool

	reqBuf   []byte
	reqAt    time.Time
	reqBody  int64
	reqStuck bool
	requests []*request

	resp response
}

// upSink and downSink route a stream's bytes to the connection's parsers.
type upSink struct{ c *conn }
type downSink struct{ c *conn }

func (s upSink) data(b []byte, at time.Time)   { s.c.clientData(b, at) }
func (s upSink) gap(n int64, at time.Time)     { s.c.clientGap(n, at) }
func (s downSink) data(b []byte, at time.Time) { s.c.serverData(b, at) }
func (s downSink) gap(n int64, at time.Time)   { s.c.serverGap(n, at) }

func newConn(r *reader, client, server netip.AddrPort) *conn {
	c := &conn{r: r, client: client, server: server}
	c.upSink, c.downSink = upSink{c}, downSink{c}
	return c
}

// segment takes one segment of the connection.
func (c *conn) segment(s *segment) {
	fromClient := s.src == c.client
	st, sink := &c.down, streamSink(c.downSink)
	if fromClient {
		st, sink = &c.up, c.upSink
	}
	if s.syn {
		st.syn(s.seq)
	}
	if c.kind == kindUnknown && !fromClient && len(s.payload) > 0 && !c.up.started {
		// The server spoke first, or the capture began mid-connection.
		c.kind = kindOther
	}
	if c.kind == kindUnknown || c.kind == kindHTTP {
		seq := s.seq
		if s.syn {
			seq++
		}
		st.push(seq, s.payload, s.missing, s.at, sink, c.r.opts.maxPending())
	}
	switch {
	case s.rst:
		st.flush(s.at, sink)
		c.ended(fromClient, s.at, "RST")
		c.ended(!fromClient, s.at, "RST")
	case s.fin:
		st.flush(s.at, sink)
		c.ended(fromClient, s.at, "FIN")
	}
}

// clientGap notes bytes of the requests the capture missed: the requests
// after them cannot be read.
func (c *conn) clientGap(n int64, at time.Time) {
	if c.kind == kindHTTP && !c.reqStuck {
		c.stuck(fmt.Sprintf("%d bytes of its requests are missing from the capture", n))
	}
}

// ended records that one side sent FIN or RST.
func (c *conn) ended(byClient bool, at time.Time, how string) {
	if byClient {
		if c.clientEnded {
			return
		}
		c.clientEnded = true
		c.resp.endByPeer(c, at, "the client sent "+how)
		return
	}
	if c.serverEnded {
		return
	}
	c.serverEnded = true
	c.resp.endByServer(c, at, how)
}

// done reports whether both sides have ended.
func (c *conn) done() bool { return c.clientEnded && c.serverEnded }

// finish ends what is still open when the capture ends.
func (c *conn) finish(at time.Time) {
	c.up.flush(at, c.upSink)
	c.down.flush(at, c.downSink)
	c.r.res.Retransmitted += c.up.retransmitted + c.down.retransmitted
	if c.resp.rec != nil {
		c.resp.end(c, at, inspector.CauseCancelled, "the capture ended while the stream was open")
	}
}

// newParser makes the parser of one captured connection, primed with the
// Last-Event-ID its request sent, as EventSource's own is.
func newParser(lastEventID string, limits inspector.Limits) *sse.Parser {
	p := &sse.Parser{MaxEventSize: limits.MaxEventSize}
	if lastEventID != "" {
		p.SetLastEventID(lastEventID)
	}
	return p
}
