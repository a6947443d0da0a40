package proxytap

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// tlsRecordHandshake is the first byte of a TLS ClientHello: a CONNECT
// tunnel starting with anything else is not TLS and is passed through.
const tlsRecordHandshake = 0x16

// peekTimeout bounds the wait for a client's first bytes in a tunnel.
const peekTimeout = 30 * time.Second

// serveConnect answers a CONNECT: it either intercepts the TLS inside
// (minting a certificate for the host) or, for excluded hosts and non-TLS
// traffic, tunnels the bytes opaquely.
func (t *Tap) serveConnect(w http.ResponseWriter, r *http.Request) {
	authority := r.Host
	host, port, err := net.SplitHostPort(authority)
	if err != nil || host == "" || port == "" {
		http.Error(w, "sseinspector tap: CONNECT wants host:port", http.StatusBadRequest)
		return
	}
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		http.Error(w, "sseinspector tap: cannot take over the connection: "+err.Error(), http.StatusInternalServerError)
		return
	}
	if _, err := io.WriteString(conn, "HTTP/1.1 200 Connection Established\r\n\r\n"); err != nil {
		conn.Close()
		return
	}
	client := &prefixConn{Conn: conn, r: brw.Reader}
	if excluded(t.cfg.Exclude, host) {
		t.tunnel(client, authority)
		return
	}
	conn.SetReadDeadline(time.Now().Add(peekTimeout))
	first, err := brw.Reader.Peek(1)
	conn.SetReadDeadline(time.Time{})
	if err != nil {
		conn.Close()
		return
	}
	if first[0] != tlsRecordHandshake {
		t.tunnel(client, authority)
		return
	}
	t.mitm.intercept(client, authority, host)
}

// prefixConn reads first what the server's reader had already buffered.
type prefixConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *prefixConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// tunnel splices the client to authority until either side closes.
func (t *Tap) tunnel(client net.Conn, authority string) {
	if !t.trackConn(client) {
		client.Close()
		return
	}
	defer t.untrackConn(client)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	server, err := t.dial(ctx, "tcp", authority)
	cancel()
	if err != nil {
		client.Close()
		t.errLog.Printf("tunnel to %s: %v", authority, err)
		return
	}
	if !t.trackConn(server) {
		server.Close()
		client.Close()
		return
	}
	defer t.untrackConn(server)
	var wg sync.WaitGroup
	wg.Add(2)
	pipe := func(dst, src net.Conn) {
		defer wg.Done()
		io.Copy(dst, src)
		// One direction ended: half-close if possible so the other can
		// drain, else close both.
		if cw, ok := dst.(interface{ CloseWrite() error }); ok {
			cw.CloseWrite()
		} else {
			dst.Close()
			src.Close()
		}
	}
	go pipe(server, client)
	go pipe(client, server)
	wg.Wait()
	client.Close()
	server.Close()
}

// serveInfo answers requests addressed to the forward proxy itself: the CA
// certificate at /ca.pem, and a short explanation elsewhere.
func (t *Tap) serveInfo(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/ca.pem" && t.ca != nil {
		w.Header().Set("Content-Type", "application/x-pem-file")
		w.Header().Set("Content-Disposition", `attachment; filename="sseinspector-ca.pem"`)
		w.Write(t.ca.CertPEM())
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	fmt.Fprintf(w, "This is the SSE Inspector tap, a forward proxy: set it as your browser's HTTP and HTTPS proxy.\n")
	if t.ca != nil {
		fmt.Fprintf(w, "Its CA certificate is at /ca.pem. %s", t.ca.TrustInstructions(r.Host))
	}
}

// interceptor serves the HTTP inside intercepted TLS tunnels: one HTTP
// server (HTTP/1.1 and HTTP/2) fed with the tunnels' TLS connections, each
// remembering the CONNECT target it was opened for.
type interceptor struct {
	t       *Tap
	ln      *chanListener
	srv     *http.Server
	targets sync.Map // *tls.Conn -> CONNECT authority
	once    sync.Once
}

type targetKey struct{}

func newInterceptor(t *Tap) *interceptor {
	m := &interceptor{t: t, ln: newChanListener()}
	m.srv = &http.Server{
		Handler:           http.HandlerFunc(m.serveHTTP),
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          t.errLog,
		BaseContext:       t.baseContext,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			if target, ok := m.targets.Load(c); ok {
				ctx = context.WithValue(ctx, targetKey{}, target)
			}
			return ctx
		},
		ConnState: func(c net.Conn, s http.ConnState) {
			if s == http.StateClosed || s == http.StateHijacked {
				m.targets.Delete(c)
			}
		},
	}
	return m
}

// intercept terminates the client's TLS with a leaf minted for host and
// hands the connection to the interception server.
func (m *interceptor) intercept(client net.Conn, authority, host string) {
	m.once.Do(func() { go m.srv.Serve(m.ln) })
	conf := &tls.Config{
		NextProtos: []string{"h2", "http/1.1"},
		GetCertificate: func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
			name := hello.ServerName
			if name == "" {
				name = host // clients send no SNI for IP addresses
			}
			return m.t.ca.Leaf(name)
		},
	}
	tc := tls.Server(client, conf)
	m.targets.Store(tc, authority)
	if err := m.ln.push(tc); err != nil {
		m.targets.Delete(tc)
		tc.Close()
	}
}

func (m *interceptor) serveHTTP(w http.ResponseWriter, r *http.Request) {
	authority, _ := r.Context().Value(targetKey{}).(string)
	if authority == "" {
		http.Error(w, "sseinspector tap: unknown tunnel", http.StatusBadGateway)
		return
	}
	m.t.proxyRequest(w, r, m.t.newFlow(r, "https", authority), false)
}

// Close stops the interception server and its connections.
func (m *interceptor) Close() error {
	m.ln.Close()
	return m.srv.Close()
}

// chanListener is a net.Listener fed by intercept.
type chanListener struct {
	ch   chan net.Conn
	done chan struct{}
	once sync.Once
}

func newChanListener() *chanListener {
	return &chanListener{ch: make(chan net.Conn), done: make(chan struct{})}
}

var _ net.Listener = (*chanListener)(nil)

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *chanListener) push(c net.Conn) error {
	select {
	case l.ch <- c:
		return nil
	case <-l.done:
		return net.ErrClosed
	}
}

func (l *chanListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *chanListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }
