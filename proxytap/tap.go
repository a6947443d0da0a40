package proxytap

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// Tap is a recording proxy. Make one with New, run it with Start or Serve,
// stop it with Close. It is an http.Handler, so it can also be mounted in
// a server of one's own (CONNECT interception then needs that server to
// allow hijacking, as net/http's HTTP/1 server does).
type Tap struct {
	cfg      Config
	rec      Recorder
	upstream *upstream // nil in forward mode
	ca       *CA       // nil in reverse mode
	dial     func(ctx context.Context, network, addr string) (net.Conn, error)
	proxy    *httputil.ReverseProxy
	errLog   *log.Logger

	lanes laneIndex
	sweep sweeper // records what the streams delivered
	// life is cancelled when the tap closes; it is the base context of
	// every request the tap's servers handle, so upgraded (WebSocket)
	// connections, which the servers no longer track, end with it.
	life    context.Context
	endLife context.CancelFunc
	closing atomic.Bool    // set under mu
	flows   sync.WaitGroup // Add only under mu while not closing

	mu      sync.Mutex
	server  *http.Server
	ln      net.Listener
	mitm    *interceptor
	tunnels map[net.Conn]struct{}
}

var _ http.Handler = (*Tap)(nil)

// New makes a tap from cfg. In forward mode it loads or creates the CA.
func New(cfg Config) (*Tap, error) {
	t := &Tap{cfg: cfg, rec: cfg.Recorder, tunnels: make(map[net.Conn]struct{})}
	t.life, t.endLife = context.WithCancel(context.Background())
	if t.rec == nil {
		t.rec = inspector.NewSession(inspector.Limits{})
	}
	t.errLog = cfg.ErrorLog
	if t.errLog == nil {
		t.errLog = log.New(io.Discard, "", 0)
	}
	t.dial = cfg.DialContext
	if t.dial == nil {
		d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
		t.dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return quiet(c), nil
		}
	}
	if cfg.Upstream != "" {
		u, err := parseUpstream(cfg.Upstream)
		if err != nil {
			return nil, err
		}
		t.upstream = u
	} else {
		ca, err := LoadOrCreateCA(cfg.CADir)
		if err != nil {
			return nil, err
		}
		t.ca = ca
		t.mitm = newInterceptor(t)
	}
	transport := cfg.Transport
	if transport == nil {
		transport = newUpstreamTransport(t.dial, cfg.UpstreamTLS)
	}
	t.proxy = &httputil.ReverseProxy{
		Rewrite:        t.rewrite,
		Transport:      headerTransport{next: transport},
		FlushInterval:  -1,
		ModifyResponse: t.modifyResponse,
		ErrorHandler:   t.errorHandler,
		ErrorLog:       t.errLog,
		BufferPool:     copyBuffers,
	}
	return t, nil
}

// copyBufferSize is the size of ReverseProxy's copy buffer, and so the
// most one recorded read can carry. A stream holds its buffer while idle,
// which makes this the largest part of an idle tapped connection's cost:
// 16 KiB keeps that under 64 KiB, and SSE reads are rarely larger.
const copyBufferSize = 16 << 10

// bufferPool shares ReverseProxy's copy buffers between streams.
type bufferPool struct{ pool sync.Pool }

var _ httputil.BufferPool = (*bufferPool)(nil)

var copyBuffers = &bufferPool{pool: sync.Pool{New: func() any { return new([copyBufferSize]byte) }}}

func (p *bufferPool) Get() []byte { return p.pool.Get().(*[copyBufferSize]byte)[:] }

func (p *bufferPool) Put(b []byte) {
	if cap(b) == copyBufferSize {
		p.pool.Put((*[copyBufferSize]byte)(b[:copyBufferSize]))
	}
}

// Recorder is where the tap records (Config.Recorder, or the session New
// made).
func (t *Tap) Recorder() Recorder { return t.rec }

// CA is the interception CA in forward mode, nil in reverse mode.
func (t *Tap) CA() *CA { return t.ca }

// Reverse reports whether the tap is a reverse proxy to Config.Upstream.
func (t *Tap) Reverse() bool { return t.upstream != nil }

// Start listens on addr (DefaultListen if empty; loopback only unless
// Config.AllowRemote) and serves in the background. It returns the bound
// address, useful with port 0.
func (t *Tap) Start(addr string) (net.Addr, error) {
	ln, err := Listen(addr, t.cfg.AllowRemote)
	if err != nil {
		return nil, err
	}
	ready := make(chan struct{})
	go func() {
		t.serve(ln, ready)
	}()
	<-ready
	return ln.Addr(), nil
}

// Serve accepts browser connections on ln until Close. It returns nil
// after Close.
func (t *Tap) Serve(ln net.Listener) error {
	return t.serve(ln, nil)
}

func (t *Tap) serve(ln net.Listener, ready chan<- struct{}) error {
	srv := &http.Server{
		Handler:           t,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          t.errLog,
		BaseContext:       t.baseContext,
		ConnContext:       withConn,
	}
	t.mu.Lock()
	if t.closing.Load() || t.server != nil {
		t.mu.Unlock()
		ln.Close()
		if ready != nil {
			close(ready)
		}
		if t.server != nil {
			return errors.New("proxytap: tap already serving")
		}
		return nil
	}
	t.server, t.ln = srv, ln
	t.mu.Unlock()
	if ready != nil {
		close(ready)
	}
	err := srv.Serve(quietListener{ln})
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Addr is the address the tap listens on, or nil before it serves.
func (t *Tap) Addr() net.Addr {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ln == nil {
		return nil
	}
	return t.ln.Addr()
}

// baseContext is the base context of the tap's servers: the tap's life.
func (t *Tap) baseContext(net.Listener) context.Context { return t.life }

// closeWait bounds how long Close waits for streams to record their end.
const closeWait = 5 * time.Second

// Close stops the tap: it closes the listener and every browser and
// upstream connection, upgraded ones included, and waits (briefly) until
// every stream has recorded its end, as cancelled. It is Stop followed by
// the wait.
func (t *Tap) Close() error { return <-t.Stop() }

// Stop closes the listener and every connection at once, without waiting:
// when it returns, the address is free again. The channel receives what
// Close returns once every stream has recorded its end (or closeWait
// passed). A window calls it on its UI goroutine, which must not block.
func (t *Tap) Stop() <-chan error {
	t.mu.Lock()
	t.closing.Store(true)
	srv := t.server
	for c := range t.tunnels {
		c.Close()
	}
	t.mu.Unlock()
	t.endLife()
	var err error
	if srv != nil {
		err = srv.Close()
	}
	if t.mitm != nil {
		if cerr := t.mitm.Close(); err == nil {
			err = cerr
		}
	}
	t.closeIdleUpstream()
	result := make(chan error, 1)
	go func() {
		result <- t.waitFlows(err)
	}()
	return result
}

// closeIdleUpstream closes the upstream connections kept for reuse.
func (t *Tap) closeIdleUpstream() {
	if c, ok := t.proxy.Transport.(headerTransport).next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// waitFlows waits until every stream has recorded its end, at most
// closeWait, and returns err or the timeout. The upstream connections of
// the streams that ended meanwhile went back to the idle pool (an HTTP/2
// one is busy until its last stream ends): they are closed after the wait.
func (t *Tap) waitFlows(err error) error {
	defer t.closeIdleUpstream()
	done := make(chan struct{})
	go func() {
		t.flows.Wait()
		close(done)
	}()
	timer := time.NewTimer(closeWait)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		if err == nil {
			err = fmt.Errorf("proxytap: streams still ending after %v", closeWait)
		}
	}
	return err
}

// beginFlow counts a request in flows, unless the tap is closing: checked
// under mu, with which Stop sets closing, so no Add can follow the Wait.
func (t *Tap) beginFlow() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closing.Load() {
		return false
	}
	t.flows.Add(1)
	return true
}

// trackConn keeps hijacked connections (tunnels), which the HTTP server no
// longer tracks, so Close can end them. It reports false when closing.
func (t *Tap) trackConn(c net.Conn) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closing.Load() {
		return false
	}
	t.tunnels[c] = struct{}{}
	return true
}

func (t *Tap) untrackConn(c net.Conn) {
	t.mu.Lock()
	delete(t.tunnels, c)
	t.mu.Unlock()
}

// ServeHTTP routes a browser request: everything to the upstream in
// reverse mode; CONNECT and absolute-form requests in forward mode.
func (t *Tap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if t.upstream != nil {
		if r.Method == http.MethodConnect {
			http.Error(w, "sseinspector tap: this is a reverse proxy to "+t.upstream.String()+"; CONNECT is not supported", http.StatusMethodNotAllowed)
			return
		}
		t.proxyRequest(w, r, t.newFlow(r, t.upstream.url.Scheme, t.upstream.url.Host), true)
		return
	}
	switch {
	case r.Method == http.MethodConnect:
		t.serveConnect(w, r)
	case r.URL.IsAbs() && r.URL.Scheme == "http":
		t.proxyRequest(w, r, t.newFlow(r, "http", r.URL.Host), false)
	default:
		t.serveInfo(w, r)
	}
}

// proxyRequest forwards one request through the ReverseProxy, recording it.
func (t *Tap) proxyRequest(w http.ResponseWriter, r *http.Request, f *flow, reverse bool) {
	if !t.beginFlow() {
		http.Error(w, "sseinspector tap: closing", http.StatusServiceUnavailable)
		return
	}
	defer t.flows.Done()
	f.reverse = reverse
	defer func() {
		p := recover()
		f.finish(p != nil)
		if p != nil {
			// ReverseProxy aborts the browser's response this way when the
			// upstream body broke; keep doing so, it is what tells the
			// browser the stream did not end cleanly.
			panic(p)
		}
	}()
	t.proxy.ServeHTTP(newDeliveryWriter(w, f), r.WithContext(context.WithValue(r.Context(), flowKey{}, f)))
}

func (t *Tap) rewrite(pr *httputil.ProxyRequest) {
	f := flowFrom(pr.In.Context())
	if f.reverse {
		pr.SetURL(t.upstream.url)
	} else {
		pr.Out.URL.Scheme, pr.Out.URL.Host = f.scheme, f.authority
		pr.Out.Host = pr.In.Host
	}
	f.upstreamURL = pr.Out.URL.String()
}

func (t *Tap) modifyResponse(resp *http.Response) error {
	if f := flowFrom(resp.Request.Context()); f != nil {
		f.response(resp)
	}
	return nil
}

// errorHandler answers 502 when the upstream gave no response, naming the
// upstream and the error so the browser's developer tools say what broke.
func (t *Tap) errorHandler(w http.ResponseWriter, r *http.Request, err error) {
	f := flowFrom(r.Context())
	if f != nil && f.failed(err) {
		return // the browser is gone; nobody to answer
	}
	target := r.URL.Scheme + "://" + r.URL.Host
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusBadGateway)
	fmt.Fprintf(w, "sseinspector tap: upstream %s unreachable: %v\n", target, err)
}
