package diagnose

import (
	"fmt"
	"strings"

	"github.com/sseinspector/sseinspector/inspector"
)

// On a tapped lane with nothing to compare it with, the upstream's reply
// as the tap saw it still tells who holds the events. The tap reads from
// whatever is behind it: a proxy that announces itself (Server: nginx),
// whose buffer also holds the response headers until the first page is
// full; or an application answering directly, whose reply to a proxy's
// HTTP/1.0 request is unchunked (the tap between nginx and the
// application sees that), so the buffer it shows is the application's.

// unframedReply reports whether a connection's reply had no chunking: an
// HTTP/1.0 reply, or Connection: close without a Content-Length.
func unframedReply(c *inspector.Conn) bool {
	if c.Proto == "HTTP/1.0" {
		return true
	}
	return strings.EqualFold(c.ResponseHeader.Get("Connection"), "close") && c.ResponseHeader.Get("Content-Length") == ""
}

// tapCause names who holds a tapped lane's events from the upstream's
// reply, or returns ok false when the reply does not tell.
func (d *diag) tapCause(l *laneFacts) (title, fix string, evidence []string, ok bool) {
	if l.snap.Info.Kind != inspector.LaneTap {
		return "", "", nil, false
	}
	c := l.responded()
	if c == nil {
		return "", "", nil, false
	}
	who, ev := d.proxyName(l)
	t := l.firstTiming()
	headersHeld := t != nil && t.HeadersWithBody
	switch {
	case who != "" && headersHeld:
		title = fmt.Sprintf("%s holds the events back: the tap reads the stream from %s, whose response headers came "+
			"only with the first full buffer", who, who)
		evidence = []string{ev, fmt.Sprintf("%s: the upstream's headers arrived %s after the request, with the first body bytes",
			l.name(), fmtDur(t.ToHeaders))}
		fix = proxyBufferingFix
		if isNginx(who) || strings.Contains(who, "nginx") {
			fix = nginxBufferingFix
		}
		return title, fix, evidence, true
	case who == "" && unframedReply(c):
		title = "The application holds the events back: the tap reads its reply directly and sees the buffer there"
		evidence = []string{fmt.Sprintf("%s: the upstream's reply is %s without chunking and names no proxy (no Server or Via "+
			"of one): an application answering a proxy's HTTP/1.0 request", l.name(), c.Proto)}
		return title, appBufferingFix, evidence, true
	}
	return "", "", nil, false
}
