package proxytap

import (
	"context"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/sseinspector/sseinspector/inspector/sse"

	"github.com/sseinspector/sseinspector/inspector"
)

// flowKind says what a flow records.
type flowKind uint8

const (
	kindNone    flowKind = iota // nothing recorded yet (or not recording at all)
	kindStream                  // an event-stream lane connection
	kindRequest                 // a request lane
	kindDone                    // already ended (the upstream could not be reached)
)

type flowKey struct{}

// flow is one proxied request and what is recorded of it. All its methods
// run on the goroutine serving the request (ReverseProxy calls the
// transport, ModifyResponse, ErrorHandler, the body's Read and the
// writer's Write there), except the decoder's emissions, which run while
// that goroutine waits for them; so it needs no lock.
type flow struct {
	tap    *Tap
	in     *http.Request
	record bool // false for excluded hosts
	// route: where the request goes
	reverse   bool
	scheme    string
	authority string

	startTime   time.Time
	upstreamURL string
	headersTime time.Time   // when the upstream's headers arrived
	rawHeader   http.Header // the upstream's headers before hop-by-hop removal

	kind  flowKind
	tl    *tapLane
	lane  *inspector.Lane
	sess  *inspector.Session
	conn  int
	rec   *inspector.ConnRecorder
	fail  inspector.CloseCause // an EventSource failure (status, content type): body not parsed
	dec   *decoder
	plain bool // the body is recorded without decoding (unknown encoding)

	arrival  time.Duration // when the read being written returned
	readErr  error
	writeErr error

	// The reads delivered and not yet recorded, which the stream's
	// goroutine appends to and the recording takes (see sweeper).
	heldMu    sync.Mutex
	held      []heldRead
	heldBytes []byte // the held reads' bytes, one after another
	// lastDelivery is when the previous read was delivered (the stream's
	// goroutine only).
	lastDelivery time.Duration

	// recMu guards the recording, which the stream's goroutine and the
	// tap's sweeper both do; it is taken before heldMu, never after.
	recMu sync.Mutex
	// The reads taken from held, being recorded; their slices are held's
	// at the next take.
	taken      []heldRead
	takenBytes []byte
	// The read being recorded: its times, and its wire bytes not yet
	// recorded.
	recArrival, recDelivered time.Duration
	pendingWire              int
}

// heldRead is a read delivered to the browser and not yet recorded.
type heldRead struct {
	arrival, delivered time.Duration
	end                int // its bytes are heldBytes[previous end:end]
}

func flowFrom(ctx context.Context) *flow {
	f, _ := ctx.Value(flowKey{}).(*flow)
	return f
}

func (t *Tap) newFlow(r *http.Request, scheme, authority string) *flow {
	return &flow{tap: t, in: r, startTime: time.Now(), scheme: scheme, authority: authority,
		record: !excluded(t.cfg.Exclude, hostOnly(authority))}
}

func hostOnly(authority string) string {
	if h, _, err := net.SplitHostPort(authority); err == nil {
		return h
	}
	return authority
}

// wantsStream reports whether the request is an EventSource's: such a
// request gets a stream lane even when the answer is not an event stream,
// because that answer is exactly why the stream failed.
func wantsStream(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "text/event-stream")
}

func isEventStream(h http.Header) bool {
	mt, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	return mt == "text/event-stream"
}

func (f *flow) recordedHeader(h http.Header) http.Header {
	if f.tap.cfg.KeepSecrets {
		return h.Clone()
	}
	return inspector.RedactHeader(h)
}

// startConn opens the flow's lane connection: a reused or new stream lane,
// or a new request lane.
func (f *flow) startConn(kind flowKind) {
	r := f.in
	info := inspector.LaneInfo{Kind: inspector.LaneRequest, URL: f.upstreamURL, Method: r.Method,
		Client: r.RemoteAddr, Name: r.Method + " " + f.upstreamURL}
	if kind == kindStream {
		info.Kind = inspector.LaneTap
		f.tl = f.tap.lanes.acquire(f.tap.rec, laneKey{client: hostOnly(r.RemoteAddr), method: r.Method, url: f.upstreamURL}, info)
		f.lane = f.tl.lane
	} else {
		f.lane = f.tap.rec.AddLane(info)
	}
	f.kind = kind
	f.sess = f.lane.Session()
	f.conn = f.lane.StartConn(f.sess.Since(f.startTime), r.Method, f.upstreamURL, f.recordedHeader(r.Header), r.Header.Get("Last-Event-ID"))
}

// response is ModifyResponse: it records the status and headers and, for
// an event stream, wraps the body so every read is recorded.
func (f *flow) response(resp *http.Response) {
	if !f.record {
		return
	}
	if f.headersTime.IsZero() {
		// The transport recorded nothing (a round trip that bypassed it):
		// the best available time.
		f.headersTime, f.rawHeader = time.Now(), resp.Header
	}
	stream := isEventStream(resp.Header)
	kind := kindRequest
	if stream || wantsStream(f.in) {
		kind = kindStream
	}
	f.startConn(kind)
	f.lane.SetResponse(f.conn, f.sess.Since(f.headersTime), resp.StatusCode, resp.Proto, f.recordedHeader(f.rawHeader))
	if resp.StatusCode == http.StatusSwitchingProtocols {
		// The body is the upgraded connection, which ReverseProxy needs
		// writable: leave it alone (its bytes are not SSE anyway).
		return
	}
	resp.Body = &recordingBody{ReadCloser: resp.Body, f: f}
	if kind == kindRequest {
		return
	}
	switch {
	case resp.StatusCode != http.StatusOK:
		f.fail = inspector.CauseHTTPStatus
	case !stream:
		f.fail = inspector.CauseContentType
	}
	if f.fail != "" {
		f.lane.SetState(inspector.StateFailed, string(f.fail))
	} else {
		f.lane.SetState(inspector.StateOpen, "")
		p := &sse.Parser{MaxEventSize: f.sess.Limits().MaxEventSize}
		p.SetLastEventID(f.in.Header.Get("Last-Event-ID"))
		f.rec = &inspector.ConnRecorder{Lane: f.lane, Conn: f.conn, Parser: p}
		if hook := f.tap.cfg.Hooks.Item; hook != nil {
			tl, lane, conn := f.tl, f.lane, f.conn
			f.rec.OnItem = func(it *sse.Item, arrival time.Duration) {
				seq := tl.events
				if it.Kind == sse.ItemEvent {
					tl.events++
				}
				hook(lane, conn, seq, it, arrival, f.recDelivered)
			}
		}
		enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
		switch {
		case inspector.IsIdentityEncoding(enc):
		case inspector.CanDecode(enc):
			f.dec = newDecoder(enc, f.emitDecoded)
		default:
			// br, zstd and the like are passed on untouched; the recording
			// keeps their sizes but cannot parse them.
			f.plain = true
			f.lane.SetState(inspector.StateOpen, "content-encoding "+enc+" is not decoded")
		}
	}
	if f.rec != nil {
		f.tap.sweep.add(f)
	}
	if hook := f.tap.cfg.Hooks.Open; hook != nil {
		hook(f.lane, f.conn)
	}
}

// arrived is called by the recording body after every upstream read.
func (f *flow) arrived(n int, err error) {
	now := time.Now()
	if n > 0 && f.sess != nil {
		f.arrival = f.sess.Since(now)
	}
	if err != nil {
		f.readErr = err
	}
}

// streaming reports whether writes must be timed and recorded.
func (f *flow) streaming() bool { return f.rec != nil }

// deliver holds the bytes of the last read, after their write (and flush)
// to the browser returned, for the sweeper to record; werr is the write's
// error. It records them itself instead when the write failed, when the
// held reads reach heldMax bytes, and when the sweeper is stopped and this
// stream is not busy (see sweeper); it starts the sweeper when the
// stream is.
func (f *flow) deliver(p []byte, werr error) {
	delivered := f.sess.Now()
	if werr != nil {
		f.writeErr = werr
		delivered = 0 // arrived at the tap, never reached the browser
	}
	f.heldMu.Lock()
	f.heldBytes = append(f.heldBytes, p...)
	f.held = append(f.held, heldRead{arrival: f.arrival, delivered: delivered, end: len(f.heldBytes)})
	now := werr != nil || len(f.heldBytes) >= heldMax
	f.heldMu.Unlock()
	busy := f.lastDelivery != 0 && delivered-f.lastDelivery < sweepBusy
	f.lastDelivery = delivered
	if !now && !f.tap.sweep.running.Load() {
		if busy {
			f.tap.sweep.start()
		} else {
			now = true
		}
	}
	if now {
		f.recMu.Lock()
		f.recordHeld(true)
		f.recMu.Unlock()
	}
}

// sweep is the sweeper's visit: it records the held reads once the
// stream has been quiet for sweepQuiet, or its oldest held read has
// waited heldMaxAge. A stream being recorded is left for the next visit.
// It reports whether the stream held anything.
func (f *flow) sweep() bool {
	if !f.recMu.TryLock() {
		return true
	}
	defer f.recMu.Unlock()
	return f.recordHeld(false)
}

// recordHeld takes the held reads, if any (and, unless all, only when
// sweep's conditions hold), and records them in order; it reports whether
// any were held. The caller holds recMu.
func (f *flow) recordHeld(all bool) (held bool) {
	f.heldMu.Lock()
	held = len(f.held) > 0
	take := held
	if take && !all {
		take = sweepDue(f.sess.Now(), f.held[0].delivered, f.held[len(f.held)-1].delivered)
	}
	if take {
		f.held, f.taken = f.taken[:0], f.held
		f.heldBytes, f.takenBytes = f.takenBytes[:0], f.heldBytes
	}
	f.heldMu.Unlock()
	if !take {
		return held
	}
	start := 0
	for _, r := range f.taken {
		f.recordRead(f.takenBytes[start:r.end], r.arrival, r.delivered)
		start = r.end
	}
	if cap(f.takenBytes) > 2*heldMax {
		f.takenBytes = nil // a burst's buffer is not kept
	}
	return held
}

// recordRead records one read's bytes, which arrived at arrival and were
// delivered at delivered. The caller holds recMu.
func (f *flow) recordRead(p []byte, arrival, delivered time.Duration) {
	f.recArrival, f.recDelivered = arrival, delivered
	f.pendingWire = len(p)
	switch {
	case f.plain:
	case f.dec != nil:
		f.dec.Write(p)
	default:
		f.feed(p)
	}
	if f.pendingWire > 0 {
		f.feed(nil)
	}
}

// feed records decoded bytes; the read's wire size goes with the first
// piece decoded from it.
func (f *flow) feed(decoded []byte) {
	wire := f.pendingWire
	f.pendingWire = 0
	f.rec.Feed(f.recArrival, f.recDelivered, wire, decoded)
}

// emitDecoded is the decoder's output: it runs on the decoder's goroutine
// while the goroutine recording (holding recMu) waits in recordRead or
// finish.
func (f *flow) emitDecoded(decoded []byte) { f.feed(decoded) }

// failed is ErrorHandler: the upstream gave no response.
func (f *flow) failed(err error) (clientGone bool) {
	clientGone = f.in.Context().Err() != nil
	if !f.record || f.kind != kindNone {
		return clientGone
	}
	kind := kindRequest
	if wantsStream(f.in) {
		kind = kindStream
	}
	f.startConn(kind)
	cause := inspector.CauseUpstreamError
	if clientGone {
		cause = inspector.CauseClientGone
	}
	f.end(cause, err, cause)
	f.kind = kindDone
	return clientGone
}

// finish runs when the handler returns or panics: it decides how each
// side ended and records it.
func (f *flow) finish(aborted bool) {
	if f.kind != kindStream && f.kind != kindRequest {
		return
	}
	if f.rec != nil {
		f.tap.sweep.remove(f)
	}
	f.recMu.Lock()
	defer f.recMu.Unlock()
	f.recordHeld(true)
	cause, err := f.upstreamEnd(aborted)
	peer := cause
	if cause == inspector.CauseClientGone || f.writeErr != nil {
		peer = inspector.CauseClientGone
	}
	if f.dec != nil {
		f.dec.Close() // flush what the decoder still holds, before the parser's end
	}
	f.end(cause, err, peer)
}

// upstreamEnd classifies how the upstream body ended.
func (f *flow) upstreamEnd(aborted bool) (inspector.CloseCause, error) {
	inCtx := f.in.Context().Err()
	switch {
	case f.tap.closing.Load():
		return inspector.CauseCancelled, errors.New("tap stopped")
	case f.readErr == io.EOF:
		return inspector.CauseEOF, nil
	case f.writeErr != nil:
		return inspector.CauseClientGone, f.writeErr
	case f.readErr != nil && !(inCtx != nil && errors.Is(f.readErr, context.Canceled)):
		return f.classify(f.readErr), f.readErr
	case inCtx != nil:
		return inspector.CauseClientGone, inCtx
	case aborted:
		return inspector.CauseReset, errors.New("response aborted")
	}
	// The body was never read to its end (an upgrade, or a failed stream
	// whose body the proxy did not need): the exchange itself completed.
	return inspector.CauseEOF, nil
}

// classify maps an upstream read error to a close cause.
func (f *flow) classify(err error) inspector.CloseCause {
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		return inspector.CauseTimeout
	case errors.Is(err, io.ErrUnexpectedEOF) && f.chunked():
		return inspector.CauseIncompleteChunked
	}
	// A reset, a broken pipe, a body cut short without chunking, or
	// anything else that ended the read early.
	return inspector.CauseReset
}

func (f *flow) chunked() bool {
	for _, te := range f.rawHeader.Values("Transfer-Encoding") {
		if strings.EqualFold(strings.TrimSpace(te), "chunked") {
			return true
		}
	}
	return false
}

// end records the connection's end, the browser side's ending and the
// lane's state, and reports it.
func (f *flow) end(cause inspector.CloseCause, err error, peer inspector.CloseCause) {
	at := f.sess.Now()
	if f.fail != "" && cause == inspector.CauseEOF {
		cause = f.fail
	}
	if f.rec != nil {
		f.rec.End(at, cause, err)
	} else {
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		f.lane.EndConn(f.conn, at, cause, msg, 0)
	}
	hooks := &f.tap.cfg.Hooks
	if f.kind == kindRequest {
		f.lane.SetState(inspector.StateClosed, string(cause))
		if hooks.Request != nil {
			hooks.Request(f.lane, f.conn)
		}
		return
	}
	f.lane.SetPeerEnd(f.conn, peer)
	state := inspector.StateClosed
	if cause.Fatal() || cause == inspector.CauseUpstreamError {
		state = inspector.StateFailed
	}
	f.lane.SetState(state, string(cause))
	if hooks.Close != nil {
		hooks.Close(f.lane, f.conn)
	}
	f.tap.lanes.release(f.tl)
}

// recordingBody is the upstream body as ReverseProxy reads it: the time a
// Read returns is when those bytes arrived at the tap.
type recordingBody struct {
	io.ReadCloser
	f *flow
}

func (b *recordingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.f.arrived(n, err)
	return n, err
}

// deliveryWriter is the browser's ResponseWriter as ReverseProxy writes
// it. For a recorded stream it flushes each write itself, so that the time
// its Write returns is when the bytes were handed to the browser's
// connection, and only then holds them to be recorded and parsed (see
// sweeper): recording never delays delivery.
//
// When net/http frames the stream with chunked encoding on a connection
// that can take a chunk directly (see chunkConn), each read goes to the
// browser as one chunk written straight to the socket, past net/http's
// buffers, which are empty then: the same bytes on the wire, in fewer
// steps between the upstream's read and the browser's write.
type deliveryWriter struct {
	http.ResponseWriter
	f       *flow
	rc      *http.ResponseController
	checked bool      // the first streamed write decided on chunks
	chunks  chunkConn // where chunks are written directly, or nil
}

var (
	_ http.Flusher = (*deliveryWriter)(nil)
	_ interface {
		Unwrap() http.ResponseWriter
	} = (*deliveryWriter)(nil)
)

func newDeliveryWriter(w http.ResponseWriter, f *flow) *deliveryWriter {
	return &deliveryWriter{ResponseWriter: w, f: f, rc: http.NewResponseController(w)}
}

func (w *deliveryWriter) Write(p []byte) (int, error) {
	if !w.f.streaming() {
		return w.ResponseWriter.Write(p)
	}
	if !w.checked {
		w.checked = true
		w.chunks = w.directChunks()
	}
	var n int
	var err error
	switch {
	case len(p) == 0:
	case w.chunks != nil:
		if err = w.chunks.writeChunk(p); err == nil {
			n = len(p)
		}
	default:
		if n, err = w.ResponseWriter.Write(p); err == nil {
			err = w.rc.Flush()
		}
	}
	w.f.deliver(p, err)
	return n, err
}

// directChunks returns the browser's connection if this response's body
// can be written to it as chunks directly: an HTTP/1.1 response to a
// request other than HEAD, without Content-Length or Transfer-Encoding
// set by the upstream, which net/http therefore sends chunked. It flushes
// the headers first, so that nothing of net/http's is left to send before
// the chunks; net/http still writes the last chunk when the stream ends.
func (w *deliveryWriter) directChunks() chunkConn {
	r := w.f.in
	cc, _ := r.Context().Value(connKey{}).(chunkConn)
	if cc == nil || !r.ProtoAtLeast(1, 1) || r.ProtoMajor != 1 || r.Method == http.MethodHead {
		return nil
	}
	h := w.ResponseWriter.Header()
	if h.Get("Content-Length") != "" || h.Get("Transfer-Encoding") != "" {
		return nil
	}
	if w.rc.Flush() != nil {
		return nil
	}
	return cc
}

// Flush flushes the browser's connection. ReverseProxy calls it (through
// http.ResponseController) to send the headers of a stream at once.
func (w *deliveryWriter) Flush() { w.FlushError() }

// FlushError is Flush reporting the error, for http.ResponseController.
// Chunks written directly leave nothing to flush.
func (w *deliveryWriter) FlushError() error {
	if w.chunks != nil {
		return nil
	}
	return w.rc.Flush()
}

// Unwrap gives http.ResponseController the underlying writer, so
// hijacking (protocol upgrades) and deadlines keep working.
func (w *deliveryWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// headerTransport notes when the upstream's response headers arrived and
// keeps them as received, before ReverseProxy strips hop-by-hop fields.
type headerTransport struct{ next http.RoundTripper }

func (h headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := h.next.RoundTrip(req)
	if f := flowFrom(req.Context()); f != nil && err == nil {
		f.headersTime = time.Now()
		raw := resp.Header.Clone()
		// Go moves Transfer-Encoding out of the header map; put it back in
		// the recorded copy, it tells how the body is delimited.
		for _, te := range resp.TransferEncoding {
			raw.Add("Transfer-Encoding", te)
		}
		f.rawHeader = raw
	}
	return resp, err
}
