// Package inspector is the flow model of SSE Inspector: the session that
// records every connection, read and event of each lane with its timing, the
// browser-faithful subscriber and the recorder that feed it, and the session
// file format.
//
// The layers, from the bottom up:
//
//   - inspector/sse parses the event stream (no I/O, no clock);
//   - inspector records what arrived and when, and serves immutable
//     snapshots;
//   - inspector/diagnose measures snapshots and names causes;
//   - proxytap records what a browser receives through a tap proxy;
//   - app/... are the shells: the CLI and the desktop window.
//
// Each layer imports only those below it. Times are kept as durations since
// the session's start, taken from Go's monotonic clock, so that wall-clock
// jumps never distort a timeline.
package inspector
