package proxytap

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
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
