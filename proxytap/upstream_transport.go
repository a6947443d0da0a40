package proxytap

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// newUpstreamTransport is the tap's default way to the upstream: an
// inspector.StreamTransport, so that every upstream read reaches the
// browser as soon as it returns, whatever the chunk boundaries, with
// net/http's transport for protocol upgrades (WebSocket). Neither asks for
// or decodes compression: the browser's Accept-Encoding goes upstream as
// it was, and the body comes back as it was.
func newUpstreamTransport(dial func(ctx context.Context, network, addr string) (net.Conn, error), upstreamTLS *tls.Config) http.RoundTripper {
	fallback := &http.Transport{
		DialContext:           dial,
		TLSClientConfig:       upstreamTLS.Clone(),
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		DisableCompression:    true,
	}
	return &inspector.StreamTransport{
		DialContext:     dial,
		TLSClientConfig: upstreamTLS.Clone(),
		Fallback:        fallback,
		MaxIdlePerHost:  64,
		IdleTimeout:     90 * time.Second,
	}
}
