// Package proxytap is the tap: an HTTP proxy that sits between a browser
// and the server it talks to and records every Server-Sent Events response
// passing through into an inspector session, with two times per read: when
// the bytes arrived from the upstream, and when the write of those bytes to
// the browser returned.
//
// A Tap runs in one of two modes. With Config.Upstream set it is a reverse
// proxy that forwards every request to that one upstream and nowhere else.
// Without it, it is a forward proxy the browser is configured to use: plain
// HTTP is forwarded, and HTTPS CONNECT tunnels are intercepted with leaf
// certificates minted from a certificate authority generated on first use
// and kept in the user's configuration directory (see CA). Hosts listed in
// Config.Exclude are tunnelled without interception.
//
// The proxying itself is net/http/httputil.ReverseProxy; the tap only adds
// a recording reader around each event-stream body and a response writer
// that notes when each write to the browser returned; the reads are
// recorded once the stream pauses, by a sweeper, so that recording takes
// no CPU from the browser the bytes were just written to. What the browser
// receives is byte-for-byte what the upstream sent, and the way a stream
// ended is passed on faithfully: an upstream reset or a truncated chunked
// body aborts the browser's response instead of ending it cleanly.
//
// The package does not depend on any UI toolkit. It feeds a session through
// the small Recorder interface, which *inspector.Session satisfies.
package proxytap
