// Package inspector is the flow model of SSE Inspector: the spec-exact
// Server-Sent Events parser, the browser-faithful subscriber, the session
// model that records every connection, read and event with its timing, the
// session file format, and the pure analyses and diagnosis rules that run
// over session snapshots.
//
// Everything else — the desktop UI, the headless CLI and the tap proxy — is a
// thin shell over this package. It imports no UI toolkit and no proxy code.
//
// Times are kept as durations since the session's start, taken from Go's
// monotonic clock, so that wall-clock jumps never distort a timeline.
package inspector
