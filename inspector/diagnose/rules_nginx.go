package diagnose

import (
	"fmt"
	"strings"
)

// Rules for buffering between the origin and the client: seen on a lane
// fetched through a proxy, absent from the same stream fetched directly.

// nginxBufferingFix is the fix when nginx is known to be the buffer.
const nginxBufferingFix = `In the nginx location that proxies the stream, turn buffering off:
    proxy_buffering off;
or let the upstream chunk its reply, which nginx forwards chunk by chunk even with buffering on:
    proxy_http_version 1.1;
    proxy_set_header Connection "";
or have the application send the response header (nginx honours it per response):
    X-Accel-Buffering: no`

// nginxUnchunkedOriginFix is the nginx fix when the origin itself cannot
// chunk its reply (an HTTP/1.0 server): only turning buffering off helps.
const nginxUnchunkedOriginFix = `In the nginx location that proxies the stream, turn buffering off:
    proxy_buffering off;
or have the application send the response header (nginx honours it per response):
    X-Accel-Buffering: no
(proxy_http_version 1.1 is not enough here: the origin answers without chunking, so nginx still waits for full buffers.)`

// proxyBufferingFix is the fix when the buffering proxy is not identified.
const proxyBufferingFix = `Turn response buffering off for the stream in the proxy between the origin and the client:
    nginx:   proxy_buffering off;  (or proxy_http_version 1.1; proxy_set_header Connection "";)
             or send the response header X-Accel-Buffering: no from the application
    Apache:  for mod_proxy_fcgi/ajp, add flushpackets=on to the ProxyPass line
    others:  disable response buffering or compression for text/event-stream`

// isNginx reports whether a Server header names nginx or a server built on it.
func isNginx(server string) bool {
	s := strings.ToLower(server)
	return strings.Contains(s, "nginx") || strings.Contains(s, "openresty") || strings.Contains(s, "tengine")
}

// checkProxyBuffering names a buffer between the origin and the client:
// the proxied lane shows a buffer's signature and the direct lane does not.
// It leaves compressed lanes to the compression rules, whose cause
// explains the same signature. It reports lanes whose Server header names
// nginx when nginx is true, the others when it is false.
func checkProxyBuffering(d *diag, nginx bool) []Finding {
	if d.ref == nil || d.ref.bufferSign(nil).held() {
		return nil
	}
	var out []Finding
	for _, p := range d.proxied() {
		if p.encoding() != "" && d.ref.encoding() == "" {
			continue
		}
		s := p.bufferSign(d.ref)
		if !s.held() {
			continue
		}
		server := p.serverHeader()
		who, whoEvidence := d.proxyName(p)
		if (isNginx(server) || strings.HasPrefix(who, "nginx") || strings.Contains(who, "(nginx)")) != nginx {
			continue
		}
		f := Finding{Severity: SeverityWarning, Lanes: []int{p.id(), d.ref.id()}}
		f.Evidence = p.bufferEvidence(s, d.ref)
		f.Evidence = append(f.Evidence, d.ref.flowEvidence())
		if e := p.delayEvidence(d.ref); e != "" {
			f.Evidence = append(f.Evidence, e)
		}
		if whoEvidence != "" {
			f.Evidence = append(f.Evidence, whoEvidence)
		} else if server != "" {
			f.Evidence = append(f.Evidence, fmt.Sprintf("%s: Server: %s", p.name(), server))
		}
		if via, ok := p.header("Via"); ok {
			f.Evidence = append(f.Evidence, fmt.Sprintf("%s: Via: %s", p.name(), via))
		}
		if nginx {
			f.ID = "nginx-buffering"
			if who == "" {
				who = "nginx"
			}
			f.Title = fmt.Sprintf("%s buffers the stream (proxy_buffering on with an HTTP/1.0, unchunked upstream reply): %s",
				who, p.seenTitle(s))
			f.Fix = nginxBufferingFix
			if c := d.ref.responded(); c != nil && unframedReply(c) {
				f.Fix = nginxUnchunkedOriginFix
				f.Evidence = append(f.Evidence, fmt.Sprintf("%s: the origin answers %s without chunking, so "+
					"proxy_http_version 1.1 alone would not help", d.ref.name(), c.Proto))
			}
			f.Confidence = 0.9
		} else {
			f.ID = "proxy-buffering"
			proxy := "A proxy"
			if who != "" {
				proxy = who
			}
			f.Title = fmt.Sprintf("%s buffers the stream of %q: %s", proxy, p.name(), p.seenTitle(s))
			f.Fix = proxyBufferingFix
			f.Confidence = 0.7
		}
		if p.bursts.MaxEvents > 1 {
			f.Events = append(f.Events, EventRef{Lane: p.id(), Seq: p.bursts.MaxFirst})
		}
		out = append(out, f)
	}
	return out
}

// serverHeader returns the Server header of any of the lane's responses.
func (f *laneFacts) serverHeader() string {
	for _, c := range f.snap.Conns {
		if v := c.ResponseHeader.Get("Server"); v != "" {
			return v
		}
	}
	return ""
}

// checkXAccelBuffering flags an X-Accel-Buffering header nginx ignores:
// nginx honours exactly "yes" or "no" (any case) and strips the header, so
// it is only visible on the lane fetched directly. It is a warning when a
// proxied lane shows buffering, which the header was meant to stop.
func checkXAccelBuffering(d *diag) []Finding {
	var out []Finding
	for _, f := range d.sseLanes() {
		if f.role == RoleProxied {
			continue
		}
		v, ok := f.header("X-Accel-Buffering")
		if !ok || strings.EqualFold(v, "no") || strings.EqualFold(v, "yes") {
			continue
		}
		fd := Finding{ID: "x-accel-buffering-ignored", Severity: SeverityInfo, Confidence: 0.9,
			Lanes:    []int{f.id()},
			Title:    fmt.Sprintf("X-Accel-Buffering: %s is ignored by nginx: only \"yes\" or \"no\" count", v),
			Evidence: []string{fmt.Sprintf("%s: response header X-Accel-Buffering: %s (%q)", f.name(), v, v)},
			Fix:      "Send exactly:\n    X-Accel-Buffering: no\n(no quotes, no semicolon, nothing else on the line)"}
		if f.role == RoleDirect {
			for _, p := range d.proxied() {
				if s := p.bufferSign(d.ref); s.held() {
					fd.Severity = SeverityWarning
					fd.Lanes = append(fd.Lanes, p.id())
					fd.Evidence = append(fd.Evidence, p.bufferEvidence(s, d.ref)...)
				}
			}
		}
		out = append(out, fd)
	}
	return out
}
