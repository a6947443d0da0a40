package diagnose

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/sseinspector/sseinspector/inspector"
)

// Naming the proxy in front of a lane. A proxy that holds the response
// holds its headers too, so the stream's own response may carry no Server
// header to read; a side request to the same host (a probe lane recorded
// next to the stream: a request the proxy answers itself, such as one
// with an oversized header) still shows the proxy's headers and error
// page.

// proxySign is a header value or page text that names a proxy.
type proxySign struct {
	name   string // the proxy, as findings name it
	header string // the header to read; "" reads the probe's error page
	has    string // lower-case text the header or page contains
}

// proxySigns are checked in order: the first match names the proxy, so
// products built on nginx come before nginx itself.
var proxySigns = []proxySign{
	{"Apache APISIX (OpenResty, nginx)", "Server", "apisix"},
	{"OpenResty (nginx)", "Server", "openresty"},
	{"nginx", "Server", "nginx"},
	{"Envoy", "Server", "envoy"},
	{"Envoy", "X-Envoy-Upstream-Service-Time", ""},
	{"Cloudflare", "Server", "cloudflare"},
	{"Cloudflare", "CF-Ray", ""},
	{"Caddy", "Server", "caddy"},
	{"Caddy", "Via", "caddy"},
	{"mitmproxy", "Via", "mitmproxy"},
	{"mitmproxy", "Server", "mitmproxy"},
	{"HAProxy", "Via", "haproxy"},
	{"Apache httpd", "Server", "apache"},
	{"nginx", "", "<center>nginx"},
	{"HAProxy", "", "your browser sent an invalid request"},
	{"HAProxy", "", "no server is available to handle this request"},
	{"Apache httpd", "", "<address>apache"},
}

// identify names the proxy the headers (and a page sample) point to.
func identify(h http.Header, page []byte) (name, evidence string) {
	low := strings.ToLower(string(page))
	for _, s := range proxySigns {
		if s.header == "" {
			if strings.Contains(low, s.has) {
				return s.name, fmt.Sprintf("its error page contains %q", s.has)
			}
			continue
		}
		v := h.Get(s.header)
		if v != "" && strings.Contains(strings.ToLower(v), s.has) {
			return s.name, fmt.Sprintf("%s: %s", s.header, v)
		}
	}
	return "", ""
}

// proxyName names the proxy in front of a lane: from the headers of its
// responses, else from a probe lane sent to the same host.
func (d *diag) proxyName(f *laneFacts) (name, evidence string) {
	for i := range f.snap.Conns {
		if n, ev := identify(f.snap.Conns[i].ResponseHeader, nil); n != "" {
			return n, f.name() + ": " + ev
		}
	}
	host := hostOf(f.snap.Info.URL)
	for _, l := range d.lanes {
		if l.snap.Info.Kind != inspector.LaneRequest || host == "" || hostOf(l.snap.Info.URL) != host {
			continue
		}
		for i := range l.snap.Conns {
			c := &l.snap.Conns[i]
			if n, ev := identify(c.ResponseHeader, append(append([]byte{}, c.Head...), c.Tail...)); n != "" {
				return n, fmt.Sprintf("a side request to the same host (%s) got %d; %s", l.name(), c.Status, ev)
			}
		}
	}
	return "", ""
}

// hostOf is a URL's host:port, or "".
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

// seenTitle says what a buffered lane showed, in the words of a title.
func (f *laneFacts) seenTitle(s bufferSign) string {
	switch {
	case len(f.events) == 0 && f.snap.Bytes() == 0 && f.responded() == nil:
		return "nothing arrived, not even the response headers, while the direct lane got events"
	case len(f.events) == 0:
		return "no event arrived while the direct lane got events"
	case len(s.heldToEnd) > 0:
		return "everything arrived at the end of the stream"
	case s.steps:
		return fmt.Sprintf("events arrived in %d-byte bursts the direct lane does not show", f.bursts.StepSize)
	}
	return "events arrived in bursts the direct lane does not show"
}
