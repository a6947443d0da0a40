package inspector

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"
)

// StreamTransport is an http.RoundTripper that delivers every body byte
// the moment the network read carrying it returns. Over HTTP/1.x it
// writes the request and reads the response headers with net/http's own
// functions, then reads the body with its own framing decoder (see
// frameReader), because Go's chunked reader holds a complete chunk back
// when the same network read also carried the start of the next one.
// Over TLS it offers h2 and http/1.1, like a browser; HTTP/2 responses
// are read by net/http's HTTP/2 client, whose body reads return per DATA
// frame.
//
// It keeps idle HTTP/1.1 connections and HTTP/2 connections for reuse,
// as browsers do. Its zero value is ready to use; it never asks for or
// decodes compression itself.
type StreamTransport struct {
	// DialContext opens TCP connections; nil means a net.Dialer with a
	// 30 s timeout.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
	// TLSClientConfig is used for https; nil means the defaults. Its
	// NextProtos are replaced by h2 and http/1.1 (http/1.1 only with
	// DisableHTTP2).
	TLSClientConfig *tls.Config
	// DisableHTTP2 offers only http/1.1 over TLS.
	DisableHTTP2 bool
	// Proxy, if set, chooses a proxy per request as in http.Transport.
	// Requests that go through a proxy, and protocol upgrades, are sent
	// by Fallback instead.
	Proxy func(*http.Request) (*url.URL, error)
	// Fallback sends what this transport does not itself: requests
	// through a proxy and protocol upgrades (WebSocket). nil means a
	// clone of http.DefaultTransport with compression disabled.
	Fallback http.RoundTripper
	// MaxIdlePerHost bounds the idle HTTP/1.1 connections kept per host;
	// 0 means 64.
	MaxIdlePerHost int
	// IdleTimeout closes an idle connection after that long; 0 means 90 s.
	IdleTimeout time.Duration

	mu       sync.Mutex
	idle     map[string][]*h1Conn
	h2       map[string]*http.ClientConn
	fallback http.RoundTripper
}

var _ http.RoundTripper = (*StreamTransport)(nil)

// h1Conn is one HTTP/1.x connection: the socket and the buffered reader
// that has read its response headers.
type h1Conn struct {
	conn      net.Conn
	br        *bufio.Reader
	key       string
	idleSince time.Time
}

// h1ReadBuffer is the connection's read buffer: a network read of up to
// this size is one body read.
const h1ReadBuffer = 16 << 10

// RoundTrip sends one request and returns its response, whose body the
// caller must close.
func (t *StreamTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL == nil || (req.URL.Scheme != "http" && req.URL.Scheme != "https") {
		return nil, fmt.Errorf("stream transport: unsupported URL %v", req.URL)
	}
	if req.URL.Host == "" {
		return nil, fmt.Errorf("stream transport: no host in URL %v", req.URL)
	}
	if isUpgrade(req) {
		return t.fallbackTransport().RoundTrip(req)
	}
	if t.Proxy != nil {
		p, err := t.Proxy(req)
		if err != nil {
			return nil, fmt.Errorf("stream transport: proxy for %s: %w", req.URL.Host, err)
		}
		if p != nil {
			return t.fallbackTransport().RoundTrip(req)
		}
	}
	key := req.URL.Scheme + "://" + canonicalAddr(req.URL)
	for {
		if cc := t.h2Conn(key); cc != nil {
			return cc.RoundTrip(req)
		}
		pc, reused, err := t.getConn(req.Context(), key, req.URL)
		if err != nil {
			return nil, err
		}
		if pc == nil {
			continue // the dial found an HTTP/2 server
		}
		resp, err := pc.roundTrip(t, req)
		if err == nil || !reused || !retryable(req, err) {
			return resp, err
		}
		// The server closed the idle connection before our request
		// reached it: send it again on a new connection.
		if req.GetBody != nil {
			if req.Body, err = req.GetBody(); err != nil {
				return nil, fmt.Errorf("stream transport: rewind request body: %w", err)
			}
		}
	}
}

// retryable reports whether a request that failed on a reused connection
// can be sent again: nothing of a response arrived and its body, if any,
// can be sent again.
func retryable(req *http.Request, err error) bool {
	if req.Context().Err() != nil || (req.Body != nil && req.Body != http.NoBody && req.GetBody == nil) {
		return false
	}
	var none *nothingArrived
	return errors.As(err, &none) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

func isUpgrade(req *http.Request) bool {
	return req.Header.Get("Upgrade") != "" || strings.Contains(strings.ToLower(req.Header.Get("Connection")), "upgrade")
}

// canonicalAddr is the URL's host:port, with the scheme's default port.
func canonicalAddr(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}

func (t *StreamTransport) fallbackTransport() http.RoundTripper {
	if t.Fallback != nil {
		return t.Fallback
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fallback == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.DisableCompression = true
		t.fallback = tr
	}
	return t.fallback
}

func (t *StreamTransport) h2Conn(key string) *http.ClientConn {
	t.mu.Lock()
	defer t.mu.Unlock()
	cc := t.h2[key]
	if cc != nil && cc.Err() != nil {
		delete(t.h2, key)
		return nil
	}
	return cc
}

// getConn returns an idle connection to key, or dials one. It returns a
// nil connection when the dial negotiated HTTP/2 (which is then kept for
// h2Conn).
func (t *StreamTransport) getConn(ctx context.Context, key string, u *url.URL) (pc *h1Conn, reused bool, err error) {
	if pc := t.takeIdle(key); pc != nil {
		return pc, true, nil
	}
	dial := t.DialContext
	if dial == nil {
		dial = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	addr := canonicalAddr(u)
	conn, err := dial(ctx, "tcp", addr)
	if err != nil {
		return nil, false, fmt.Errorf("dial %s: %w", addr, err)
	}
	if u.Scheme == "https" {
		tc, err := t.handshake(ctx, conn, u.Hostname())
		if err != nil {
			conn.Close()
			return nil, false, err
		}
		if tc.ConnectionState().NegotiatedProtocol == "h2" {
			return nil, false, t.addH2(ctx, key, tc)
		}
		conn = tc
	}
	return &h1Conn{conn: conn, br: bufio.NewReaderSize(conn, h1ReadBuffer), key: key}, false, nil
}

func (t *StreamTransport) handshake(ctx context.Context, conn net.Conn, host string) (*tls.Conn, error) {
	conf := &tls.Config{}
	if t.TLSClientConfig != nil {
		conf = t.TLSClientConfig.Clone()
	}
	if conf.ServerName == "" {
		conf.ServerName = host
	}
	conf.NextProtos = []string{"h2", "http/1.1"}
	if t.DisableHTTP2 {
		conf.NextProtos = []string{"http/1.1"}
	}
	tc := tls.Client(conn, conf)
	if err := tc.HandshakeContext(ctx); err != nil {
		return nil, fmt.Errorf("TLS handshake with %s: %w", host, err)
	}
	return tc, nil
}

func (t *StreamTransport) addH2(ctx context.Context, key string, tc *tls.Conn) error {
	// net/http speaks HTTP/2 on a connection it is handed through its
	// TLS dial hook; this transport serves that one connection.
	var protocols http.Protocols
	protocols.SetHTTP2(true)
	one := &http.Transport{
		DialTLSContext:     func(context.Context, string, string) (net.Conn, error) { return tc, nil },
		Protocols:          &protocols,
		DisableCompression: true,
	}
	cc, err := one.NewClientConn(ctx, "https", strings.TrimPrefix(key, "https://"))
	if err != nil {
		tc.Close()
		return fmt.Errorf("HTTP/2 connection to %s: %w", key, err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.h2 == nil {
		t.h2 = make(map[string]*http.ClientConn)
	}
	if old := t.h2[key]; old != nil && old.Err() == nil {
		cc.Close() // a concurrent dial won
		return nil
	}
	t.h2[key] = cc
	return nil
}

func (t *StreamTransport) takeIdle(key string) *h1Conn {
	timeout := t.IdleTimeout
	if timeout <= 0 {
		timeout = 90 * time.Second
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	conns := t.idle[key]
	for len(conns) > 0 {
		pc := conns[len(conns)-1]
		conns[len(conns)-1] = nil
		conns = conns[:len(conns)-1]
		if time.Since(pc.idleSince) < timeout {
			t.idle[key] = conns
			return pc
		}
		pc.conn.Close()
	}
	delete(t.idle, key)
	return nil
}

// putIdle keeps a connection whose response was read to its end.
func (t *StreamTransport) putIdle(pc *h1Conn) {
	limit := t.MaxIdlePerHost
	if limit <= 0 {
		limit = 64
	}
	pc.idleSince = time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.idle[pc.key]) >= limit {
		pc.conn.Close()
		return
	}
	if t.idle == nil {
		t.idle = make(map[string][]*h1Conn)
	}
	t.idle[pc.key] = append(t.idle[pc.key], pc)
}

// CloseIdleConnections closes every idle connection: HTTP/1.1 ones in the
// pool and HTTP/2 ones without a stream in progress.
func (t *StreamTransport) CloseIdleConnections() {
	t.mu.Lock()
	idle := t.idle
	t.idle = nil
	for key, cc := range t.h2 {
		if cc.InFlight() == 0 {
			cc.Close()
			delete(t.h2, key)
		}
	}
	fb := t.fallback
	t.mu.Unlock()
	for _, conns := range idle {
		for _, pc := range conns {
			pc.conn.Close()
		}
	}
	if c, ok := fb.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
