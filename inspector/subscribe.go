package inspector

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/sseinspector/sseinspector/inspector/sse"
)

// DefaultRetry is the reconnection time an EventSource starts with, until
// the stream's retry field changes it. Browsers use about three seconds.
const DefaultRetry = 3 * time.Second

// RetryNow, as Request.Retry, sets an initial reconnection time of zero.
const RetryNow time.Duration = -1

// Request describes what a subscription connects to and how.
type Request struct {
	// URL is the stream's absolute http or https URL.
	URL string
	// Method defaults to GET, or to POST when Body is set. EventSource only
	// ever sends GET; other methods serve APIs that stream their replies.
	Method string
	// Header holds extra request headers. They override the EventSource
	// defaults (Accept, Cache-Control, Accept-Encoding); a Host header sets
	// the request's Host. A Last-Event-ID header is taken as LastEventID.
	Header http.Header
	// Body is sent with every connection attempt, reconnections included.
	Body []byte
	// LastEventID is the Last-Event-ID sent on the first connection; after
	// that the stream's own id fields decide it, as in a browser.
	LastEventID string
	// ReadTimeout ends a connection when no byte (response headers
	// included) arrived for that long; it then reconnects like any other
	// network error. 0 means no timeout, as in a browser.
	ReadTimeout time.Duration
	// Retry is the initial reconnection time; 0 means DefaultRetry and
	// RetryNow (any negative value) means zero: reconnect at once. A retry
	// field in the stream replaces it.
	Retry time.Duration
	// NoReconnect ends the subscription when its first connection ends,
	// instead of reconnecting after the reconnection time.
	NoReconnect bool
	// Name is the lane's name; empty means the URL's host and path.
	Name string
	// Client sends the requests; nil means a shared client on a
	// StreamTransport, which times every body byte by the network read
	// that carried it. A custom client must not set Timeout
	// (it would cut every stream) and should disable compression so that
	// bodies reach the subscriber as they were on the wire; its
	// CheckRedirect, if any, is still consulted.
	Client *http.Client
}

// Hooks are optional callbacks for live consumers of a subscription (a
// CLI printing events, a UI refreshing). They are called from the
// subscription's goroutine, in order, and must not block for long: the
// stream is not read while they run.
type Hooks struct {
	// OnOpen is called when a connection got a 200 text/event-stream
	// response, after the lane recorded it.
	OnOpen func(l *Lane, c Conn)
	// OnItem is called for each event, comment and retry field after the
	// lane recorded it; at is its arrival time on the session clock. The
	// item is only valid during the call.
	OnItem func(l *Lane, it *sse.Item, at time.Duration)
	// OnClose is called when a connection attempt ended, after the lane
	// recorded how. reconnectIn is the wait before the next attempt, or
	// negative when none is scheduled: the stream failed for good, the
	// subscription was stopped or paused, or NoReconnect is set.
	OnClose func(l *Lane, c Conn, reconnectIn time.Duration)
}

// ConnError says why a connection attempt ended, when it ended otherwise
// than by cancellation. Subscription.Err returns one when the stream
// failed for good.
type ConnError struct {
	Cause       CloseCause
	Status      int    // the response status, for CauseHTTPStatus
	StatusText  string // the response's status line after the code, for CauseHTTPStatus
	ContentType string // the response's Content-Type, for CauseContentType
	Err         error  // the underlying error, if any
}

// Error describes the cause in words, then the underlying error.
func (e *ConnError) Error() string {
	var msg string
	switch e.Cause {
	case CauseHTTPStatus:
		msg = fmt.Sprintf("HTTP status %s: EventSource gives up on anything but 200", e.StatusText)
		if e.Status == http.StatusNoContent {
			msg = "HTTP status 204 No Content: the server told the client to stop"
		}
	case CauseContentType:
		if e.ContentType == "" {
			msg = "no Content-Type: EventSource needs text/event-stream"
		} else {
			msg = fmt.Sprintf("Content-Type %q is not text/event-stream", e.ContentType)
		}
	case CauseEOF:
		msg = "the server ended the stream"
	case CauseIncompleteChunked:
		msg = "the chunked body ended without its last chunk"
	case CauseTimeout:
		msg = "read timeout"
	case CauseConnect:
		msg = "could not connect"
	case CauseReset:
		msg = "the connection broke"
	default:
		msg = string(e.Cause)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the underlying error.
func (e *ConnError) Unwrap() error { return e.Err }

// Subscription is a running, browser-faithful EventSource that records
// into one lane of a session: it connects, parses, and reconnects after
// network errors and clean ends with the stream's Last-Event-ID, until it
// is stopped or the stream fails for good.
type Subscription struct {
	sess   *Session
	lane   *Lane
	req    Request
	url    string
	method string
	header http.Header
	host   string
	hooks  Hooks
	client *http.Client

	// Owned by the subscription's goroutine.
	parser sse.Parser
	retry  time.Duration
	conn   int    // index of the connection attempt in progress
	buf    []byte // the body read buffer, kept across reconnections

	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	err    error // written before done is closed

	wake chan struct{} // a control call changed something; capacity 1

	mu       sync.Mutex
	paused   bool
	skipWait bool                    // ReconnectNow was called
	dropConn context.CancelCauseFunc // ends the connection attempt in progress
}

// Reasons a connection is ended from our side; they become the context
// cause so that the read error can be told apart from a network failure.
var (
	errPaused       = errors.New("paused")
	errReconnectNow = errors.New("reconnect requested")
	errReadTimeout  = errors.New("read timeout")
)

// Subscribe checks the request, adds a subscription lane to the session and
// starts connecting in a goroutine. It returns an error, and adds no lane,
// when the URL or method is unusable. Cancelling ctx stops the
// subscription like Stop.
func Subscribe(ctx context.Context, sess *Session, req Request, hooks Hooks) (*Subscription, error) {
	u, err := CheckURL(req.URL)
	if err != nil {
		return nil, err
	}
	method := strings.ToUpper(req.Method)
	if method == "" {
		method = http.MethodGet
		if req.Body != nil {
			method = http.MethodPost
		}
	}
	if _, err := http.NewRequest(method, u.String(), nil); err != nil {
		return nil, fmt.Errorf("subscribe to %s: %w", u, err)
	}
	header := req.Header.Clone()
	if header == nil {
		header = http.Header{}
	}
	if req.LastEventID == "" {
		req.LastEventID = header.Get("Last-Event-ID")
	}
	header.Del("Last-Event-ID")
	host := header.Get("Host")
	header.Del("Host")

	name := req.Name
	if name == "" {
		name = u.Host + u.EscapedPath()
	}
	s := &Subscription{
		sess:   sess,
		req:    req,
		url:    u.String(),
		method: method,
		header: header,
		host:   host,
		hooks:  hooks,
		retry:  req.Retry,
		done:   make(chan struct{}),
		wake:   make(chan struct{}, 1),
	}
	switch {
	case s.retry == 0:
		s.retry = DefaultRetry
	case s.retry < 0:
		s.retry = 0
	}
	s.parser.MaxEventSize = sess.limits.maxEventSize()
	s.parser.SetLastEventID(req.LastEventID)
	s.client = s.wrapClient(req.Client)
	s.ctx, s.cancel = context.WithCancel(ctx)
	s.lane = sess.AddLane(LaneInfo{Name: name, Kind: LaneSubscription, URL: s.url, Method: method})
	go s.run()
	return s, nil
}

// defaultClient sends requests with a StreamTransport, which hands over
// every body byte as soon as it arrives and leaves compression alone: the
// subscriber must see the wire bytes when they arrive.
var defaultClient = sync.OnceValue(func() *http.Client {
	return &http.Client{Transport: &StreamTransport{Proxy: http.ProxyFromEnvironment}}
})

// maxRedirects is how many redirects a fetch follows (the Fetch
// standard's limit, which EventSource inherits).
const maxRedirects = 20

// wrapClient returns a copy of the client whose redirect check records
// every hop on the lane before deferring to the original policy.
func (s *Subscription) wrapClient(c *http.Client) *http.Client {
	if c == nil {
		c = defaultClient()
	}
	wrapped := *c
	next := c.CheckRedirect
	wrapped.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		s.lane.AddRedirect(s.conn, r.URL.String())
		if next != nil {
			return next(r, via)
		}
		if len(via) > maxRedirects {
			return fmt.Errorf("stopped after %d redirects", maxRedirects)
		}
		return nil
	}
	return &wrapped
}

// Lane is the lane the subscription records into.
func (s *Subscription) Lane() *Lane { return s.lane }

// Done is closed when the subscription has ended and its lane is final.
func (s *Subscription) Done() <-chan struct{} { return s.done }

// Err reports, once Done is closed, why the subscription ended: nil when it
// was stopped or its context cancelled, a *ConnError when the stream failed
// for good (a status other than 200, 204 included; a Content-Type other
// than text/event-stream) or, with NoReconnect, how its connection ended.
// Before Done it returns nil.
func (s *Subscription) Err() error {
	select {
	case <-s.done:
		return s.err
	default:
		return nil
	}
}

// Stop ends the subscription at once, whether it is connected, connecting
// or waiting to reconnect. Done is closed soon after.
func (s *Subscription) Stop() { s.cancel() }

// ReconnectNow drops the current connection, or cuts the reconnection wait
// short, and connects again at once. It does nothing while paused.
func (s *Subscription) ReconnectNow() {
	s.mu.Lock()
	if !s.paused {
		s.skipWait = true
		if s.dropConn != nil {
			s.dropConn(errReconnectNow)
		}
	}
	s.mu.Unlock()
	s.poke()
}

// SetPaused pauses the subscription, closing its connection and not
// reconnecting, or resumes it, connecting again at once.
func (s *Subscription) SetPaused(paused bool) {
	s.mu.Lock()
	s.paused = paused
	if paused && s.dropConn != nil {
		s.dropConn(errPaused)
	}
	s.mu.Unlock()
	s.poke()
}

func (s *Subscription) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Subscription) isPaused() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.paused
}

// run is the subscription's goroutine: connect, then decide between
// reconnecting, waiting while paused and ending.
func (s *Subscription) run() {
	defer close(s.done)
	defer s.cancel()
	for {
		if s.waitWhilePaused() {
			s.lane.SetState(StateClosed, "stopped")
			return
		}
		a, ok := s.connect()
		if !ok {
			continue // paused before the attempt started
		}
		var wait time.Duration
		switch {
		case s.ctx.Err() != nil:
			s.lane.SetState(StateClosed, "stopped")
			s.closed(a, -1)
			return
		case a.cause == CauseHTTPStatus || a.cause == CauseContentType:
			s.err = a.err
			s.lane.SetState(StateFailed, a.err.Error())
			s.closed(a, -1)
			return
		case s.isPaused():
			s.closed(a, -1)
			continue
		case a.dropped == errReconnectNow || a.dropped == errPaused:
			// Dropped on request (or paused and already resumed): connect
			// again at once.
			wait = 0
		case s.req.NoReconnect:
			s.err = a.err
			detail := string(a.cause)
			if a.err != nil {
				detail = a.err.Error()
			}
			s.lane.SetState(StateClosed, detail)
			s.closed(a, -1)
			return
		default:
			wait = s.retry
		}
		s.lane.SetState(StateReconnecting, fmt.Sprintf("%s; reconnecting in %v", a.cause, wait))
		s.closed(a, wait)
		if s.waitToReconnect(wait) {
			s.lane.SetState(StateClosed, "stopped")
			return
		}
	}
}

// closed calls the OnClose hook with the connection's final record.
func (s *Subscription) closed(a attempt, reconnectIn time.Duration) {
	if s.hooks.OnClose != nil {
		s.hooks.OnClose(s.lane, s.connRecord(a.conn), reconnectIn)
	}
}

func (s *Subscription) connRecord(i int) Conn {
	return s.lane.Conn(i)
}

// waitWhilePaused blocks while the subscription is paused and reports
// whether it was stopped meanwhile.
func (s *Subscription) waitWhilePaused() (stopped bool) {
	announced := false
	for s.isPaused() {
		if !announced {
			s.lane.SetState(StatePaused, "")
			announced = true
		}
		select {
		case <-s.ctx.Done():
			return true
		case <-s.wake:
		}
	}
	return s.ctx.Err() != nil
}

// waitToReconnect waits for the reconnection time, cut short by
// ReconnectNow or a pause, and reports whether the subscription was
// stopped meanwhile.
func (s *Subscription) waitToReconnect(d time.Duration) (stopped bool) {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		s.mu.Lock()
		cut := s.skipWait || s.paused
		s.skipWait = false
		s.mu.Unlock()
		if cut {
			return s.ctx.Err() != nil
		}
		select {
		case <-s.ctx.Done():
			return true
		case <-t.C:
			return false
		case <-s.wake:
		}
	}
}
