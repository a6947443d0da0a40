package diagnose_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/diagnose"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// stormSession records n connections that each get a 200 event stream,
// read body and end cleanly, 1 ms apart, under limits small enough for
// the lane to drop connection records and the details of most of those
// it holds.
func stormSession(t *testing.T, n int, body string) *inspector.Snapshot {
	t.Helper()
	s := &it.Session{Session: inspector.NewSession(inspector.Limits{MaxLaneBytes: 256 << 10, MaxLaneConns: 1500})}
	l := s.Lane("storm")
	for i := range n {
		at := time.Duration(i) * time.Millisecond
		l.Connect(at, "").Respond(at+100*time.Microsecond).Read(at+200*time.Microsecond, body).Close(at+300*time.Microsecond, inspector.CauseEOF)
	}
	snap := s.Snapshot()
	ls := snap.Lanes[0]
	if ls.FirstConn == 0 || ls.DroppedConnDetails <= int64(ls.FirstConn) {
		t.Fatalf("the lane dropped %d connection records and the details of %d: want some of each beyond the records",
			ls.FirstConn, ls.DroppedConnDetails)
	}
	return snap
}

// TestStormWithDroppedRecords diagnoses a reconnect storm whose lane
// dropped the oldest connection records and the headers of most of the
// others: the headers it no longer holds are not taken for missing ones,
// and the report counts every connection and byte.
func TestStormWithDroppedRecords(t *testing.T) {
	const n, body = 6000, "retry: 0\nid: 1\ndata: storm\n\n"
	snap := stormSession(t, n, body)
	r := diagnose.Analyze(snap, diagnose.Options{})
	for _, f := range r.Findings {
		switch f.ID {
		case "content-type", "cache-control", "http-status", "no-events":
			t.Errorf("finding on headers the lane no longer holds: %s", describe([]diagnose.Finding{f}))
		}
	}
	lr := r.Lanes["storm"]
	if lr.Connections != n || lr.Events != n || lr.Bytes != int64(n*len(body)) || lr.WireBytes != lr.Bytes {
		t.Errorf("report: %d connections, %d events, %d bytes (%d on the wire); want %d, %d, %d",
			lr.Connections, lr.Events, lr.Bytes, lr.WireBytes, n, n, n*len(body))
	}
	if lr.Status != 200 || lr.Headers.Get("Content-Type") != "text/event-stream" {
		t.Errorf("report: status %d, headers %v; want those of a connection that still has them", lr.Status, lr.Headers)
	}
}

// TestDeadStormCountsDroppedConnections diagnoses a storm of connections
// that only ever carry a comment: the no-events finding counts every
// connection, body byte and read, and spans the whole recording, dropped
// records included.
func TestDeadStormCountsDroppedConnections(t *testing.T) {
	const n, body = 6000, ": hi\n\n"
	snap := stormSession(t, n, body)
	f := requireFinding(t, diagnose.Diagnose(snap, diagnose.Options{}), "no-events")
	want := fmt.Sprintf("storm: %d connections, %d body bytes in %d reads, no event in 6.00 s", n, n*len(body), n)
	if len(f.Evidence) == 0 || !strings.Contains(f.Evidence[0], want) {
		t.Fatalf("evidence %q, want %q", f.Evidence, want)
	}
}
