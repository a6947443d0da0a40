// Package origin is SSE Inspector's built-in demo origin: a small
// Server-Sent Events server to point the inspector, a browser or a proxy
// under test at. Its streams are served by github.com/r3labs/sse/v2's
// server, which flushes after every event, so anything that delays them
// on the way is the path's doing, not the origin's.
//
// Routes:
//
//	/                          an HTML page whose EventSource shows /event's events
//	/event                     data: 1, data: 2, … one per second, per client
//	/stamped?rate=N&size=B&count=C
//	                           JSON events with their send time, for latency measurements
//	/quiet?after=N             N events, then silence on an open connection
//
// Every stream route takes ?heartbeat=DURATION to add comment lines at that
// period. The package imports no UI toolkit.
package origin
