package proxytap

import (
	"context"
	"crypto/tls"
	"log"
	"net"
	"net/http"
	"time"

	"github.com/sseinspector/sseinspector/inspector/sse"

	"github.com/sseinspector/sseinspector/inspector"
)

// Recorder is where a tap records: it hands out one lane per tapped
// stream or request. *inspector.Session satisfies it; a GUI or a test may
// wrap a session to filter or count lanes.
type Recorder interface {
	AddLane(info inspector.LaneInfo) *inspector.Lane
}

var _ Recorder = (*inspector.Session)(nil)

// LaneHolder is implemented by recorders that can tell whether a lane they
// made is still theirs (not removed, not from a session since replaced).
// The tap continues a reconnecting stream in its old lane only while the
// recorder holds it; recorders without the method keep every lane.
type LaneHolder interface {
	Holds(l *inspector.Lane) bool
}

var _ LaneHolder = (*inspector.Session)(nil)

// DefaultListen is the address a tap listens on unless told otherwise.
const DefaultListen = "127.0.0.1:8090"

// Config configures a Tap. The zero value is a forward proxy recording into
// a fresh session, with its CA in DefaultCADir.
type Config struct {
	// Upstream, if set, makes the tap a reverse proxy: every request is
	// forwarded to this base URL ("http://127.0.0.1:8080" or an https URL)
	// and nowhere else, whatever its Host header or request target says.
	// Empty means forward-proxy mode.
	Upstream string

	// Recorder receives a lane for every tapped response. Nil means a new
	// session with default limits, available from Tap.Recorder.
	Recorder Recorder

	// CADir is the directory of the interception CA in forward mode.
	// Empty means DefaultCADir(). Unused in reverse mode.
	CADir string

	// Exclude lists hosts that are never intercepted nor recorded in
	// forward mode: CONNECT tunnels to them are passed through opaquely. A
	// name also matches its subdomains ("example.com" covers
	// "api.example.com").
	Exclude []string

	// KeepSecrets records Authorization, Proxy-Authorization, Cookie and
	// Set-Cookie values as they were. By default the recorded copies are
	// redacted; what is forwarded is never changed.
	KeepSecrets bool

	// AllowRemote lets Start listen on a non-loopback address. Without it,
	// only loopback addresses are accepted, because a tap on a public
	// interface is a proxy anyone on the network can use.
	AllowRemote bool

	// DialContext, if set, opens every upstream connection and every
	// opaque tunnel. Tests use it to map host names to loopback without
	// DNS. Nil means a net.Dialer with a 30 s connect timeout. Ignored by
	// a custom Transport.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)

	// UpstreamTLS configures TLS towards upstreams (for instance RootCAs
	// for a test origin). Nil means the system roots. Ignored by a custom
	// Transport.
	UpstreamTLS *tls.Config

	// Transport, if set, sends the requests upstream. It should not add or
	// strip content encodings, or the recording would not match what the
	// browser receives. Nil means an http.Transport built from DialContext
	// and UpstreamTLS with compression handling off and no proxy.
	Transport http.RoundTripper

	// Hooks are told of what the tap records as it happens.
	Hooks Hooks

	// ErrorLog receives the proxy's own error messages (a broken upstream
	// body, a failed TLS handshake). Nil discards them: every error that
	// concerns a stream is recorded in its lane anyway.
	ErrorLog *log.Logger
}

// Hooks are called on the goroutine serving the connection concerned, after
// the fact they report has been recorded in the lane. Any may be nil. They
// must return quickly: the stream waits for them.
type Hooks struct {
	// Open is called when a tapped event-stream response's status and
	// headers have been recorded as connection conn of lane.
	Open func(lane *inspector.Lane, conn int)

	// Item is called for every event, comment and retry field parsed from
	// a tapped stream, when it is recorded: after it was written to the
	// browser, usually once the stream has paused (see sweeper), on the
	// tap's sweeper goroutine or the stream's, never on two at once for
	// one stream. seq is the event's index within the lane (events only);
	// arrival is when the read completing it returned from the upstream,
	// delivered when the write to the browser returned (0 if it failed).
	// it is valid during the call only.
	Item func(lane *inspector.Lane, conn int, seq int64, it *sse.Item, arrival, delivered time.Duration)

	// Close is called when a tapped stream's connection has ended and its
	// cause and the browser side's ending are recorded, including streams
	// that never got a response (CauseUpstreamError).
	Close func(lane *inspector.Lane, conn int)

	// Request is called when a request that is not an event stream has
	// completed (or failed) and its single connection is recorded.
	Request func(lane *inspector.Lane, conn int)
}
