package proxytap

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/sseinspector/sseinspector/inspector"
)

// IsLoopback reports whether a listen address ("host:port") binds only
// loopback interfaces. An empty host binds every interface and is not.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && ip.IsLoopback()
}

// Listen opens a TCP listener for a tap. A non-loopback address is refused
// unless allowRemote is set: a tap there is an open proxy to the network,
// and in forward mode one that decrypts HTTPS.
func Listen(addr string, allowRemote bool) (net.Listener, error) {
	if addr == "" {
		addr = DefaultListen
	}
	if !allowRemote && !IsLoopback(addr) {
		return nil, fmt.Errorf("listen %s: not a loopback address (allow remote clients explicitly to bind it)", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", addr, err)
	}
	return ln, nil
}

// redactHeader returns a copy of h for recording, with the values of
// credentials replaced: Authorization keeps its scheme, Cookie its cookie
// names, Set-Cookie its name and attributes, so the recording still shows
// what kind of credential travelled without the credential itself.
func redactHeader(h http.Header) http.Header {
	out := h.Clone()
	for name, vs := range out {
		switch http.CanonicalHeaderKey(name) {
		case "Authorization", "Proxy-Authorization":
			for i, v := range vs {
				scheme, _, found := strings.Cut(strings.TrimSpace(v), " ")
				if found {
					vs[i] = scheme + " " + inspector.Redacted
				} else {
					vs[i] = inspector.Redacted
				}
			}
		case "Cookie":
			for i, v := range vs {
				vs[i] = redactPairs(v, -1)
			}
		case "Set-Cookie":
			for i, v := range vs {
				vs[i] = redactPairs(v, 1)
			}
		}
	}
	return out
}

// redactPairs redacts the values of the first n "name=value" pairs of a
// "; "-separated list (all when n < 0), keeping names and any later pairs
// (Set-Cookie attributes such as Path or Max-Age).
func redactPairs(v string, n int) string {
	parts := strings.Split(v, ";")
	for i, p := range parts {
		if n >= 0 && i >= n {
			break
		}
		name, _, found := strings.Cut(p, "=")
		if found {
			parts[i] = name + "=" + inspector.Redacted
		} else {
			parts[i] = inspector.Redacted
		}
	}
	return strings.Join(parts, ";")
}

// excluded reports whether host (without port) matches an exclusion: the
// name itself or one of its subdomains.
func excluded(list []string, host string) bool {
	host = normalizeHost(host)
	for _, e := range list {
		e = normalizeHost(strings.TrimPrefix(strings.TrimSpace(e), "*."))
		if e == "" {
			continue
		}
		if host == e || strings.HasSuffix(host, "."+e) {
			return true
		}
	}
	return false
}
