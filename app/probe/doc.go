// Package probe watches many Server-Sent Events streams for as long as it
// runs and serves what it sees as Prometheus metrics: events, bytes,
// per-event delays, time to the first event, disconnects by reason,
// reconnects, and a gauge per diagnosis finding.
//
// Each stream is an inspector subscription, so it connects and reconnects
// exactly as a browser's EventSource would; the figures come from
// package diagnose's measures, the same ones the desktop window and the
// compare command show. Memory stays flat however long it runs: each
// stream keeps only a bounded, recent recording (see Target).
package probe
