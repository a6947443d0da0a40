// Package diagnose measures recorded sessions and names what went wrong.
//
// It reads session snapshots only through the read-only types of package
// inspector (Snapshot, LaneSnapshot, Event, Read, Conn) and never reaches
// into live lanes, so every analysis is a pure function of a snapshot:
//
//   - measures: matching events across lanes, per-event delays (stamps,
//     tap delivery, a reference lane), bursts and read sizes, disconnects;
//   - rules: each finding names a cause with its evidence and the fix;
//   - the report that gathers both, and its text form.
package diagnose
