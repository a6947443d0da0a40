package inspector

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"time"
)

// Session files are NDJSON: a header line naming the format and version,
// then one record per line (lanes, connections, reads, events, notes), and
// an end record whose absence marks a truncated file. The records are
// defined in sessionfile_v1.go.

// SessionFormat and SessionVersion identify session files.
const (
	SessionFormat  = "sseinspector-session"
	SessionVersion = 1
)

// SaveOptions controls SaveSession.
type SaveOptions struct {
	// KeepSecrets keeps the values of Authorization, Proxy-Authorization,
	// Cookie and Set-Cookie headers; by default they are redacted by
	// RedactHeader.
	KeepSecrets bool
}

// LoadOptions controls LoadSession.
type LoadOptions struct {
	// Partial loads the records that precede a corrupt or truncated part
	// and returns them with the error, instead of nothing.
	Partial bool
	// Limits apply to the loaded session.
	Limits Limits
}

// SaveSession writes a snapshot to path atomically: to a temporary file in
// the same directory, then renamed over path.
func SaveSession(path string, snap *Snapshot, opts SaveOptions) error {
	err := WriteFileAtomic(path, 0o644, func(w io.Writer) error { return WriteSession(w, snap, opts) })
	if err != nil {
		return fmt.Errorf("save session %s: %w", path, err)
	}
	return nil
}

// WriteSession writes a snapshot as NDJSON to w.
func WriteSession(w io.Writer, snap *Snapshot, opts SaveOptions) error {
	return writeSession(w, snap, opts, time.Now())
}

// writeSession is WriteSession with the time the header says the file was
// saved at.
func writeSession(w io.Writer, snap *Snapshot, opts SaveOptions, saved time.Time) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(fileHeader{Format: SessionFormat, Version: SessionVersion, Start: snap.Start, Saved: saved}); err != nil {
		return err
	}
	var total int64
	for _, l := range snap.Lanes {
		n, err := writeLane(enc, l, opts)
		if err != nil {
			return err
		}
		total += n
	}
	return enc.Encode(endRecord{Rec: "end", Lanes: len(snap.Lanes), Events: total})
}

// writeLane writes one lane's records and returns how many events it wrote.
func writeLane(enc *json.Encoder, l *LaneSnapshot, opts SaveOptions) (int64, error) {
	first := int64(0)
	if l.ReadCount() > 0 {
		first = l.Read(0).Index
	}
	if err := enc.Encode(laneRecordOf(l, first)); err != nil {
		return 0, err
	}
	id := l.Info.ID
	for _, c := range l.Conns {
		if !opts.KeepSecrets {
			c.RequestHeader = RedactHeader(c.RequestHeader)
			c.ResponseHeader = RedactHeader(c.ResponseHeader)
		}
		if err := enc.Encode(connRecordOf(id, &c)); err != nil {
			return 0, err
		}
	}
	for i := 0; i < l.ReadCount(); i++ {
		if err := enc.Encode(readRecordOf(id, l.Read(i))); err != nil {
			return 0, err
		}
	}
	var events int64
	for i := 0; i < l.Len(); i++ {
		ev := l.Event(i)
		if err := enc.Encode(eventRecordOf(id, &ev)); err != nil {
			return 0, err
		}
		events++
	}
	for _, n := range l.Notes() {
		if err := enc.Encode(noteRecordOf(id, n)); err != nil {
			return 0, err
		}
	}
	return events, nil
}

// LoadSession reads a session file. A corrupt or truncated file yields an
// error naming the line; with opts.Partial the records before it are
// returned too.
func LoadSession(path string, opts LoadOptions) (*Session, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load session: %w", err)
	}
	defer f.Close()
	s, err := ReadSession(f, opts)
	if err != nil {
		return s, fmt.Errorf("load session %s: %w", path, err)
	}
	return s, nil
}

// ErrTruncated reports a session file that ends before its end record.
var ErrTruncated = errors.New("file ends before its end record (truncated?)")

// ReadSession reads a session from r; see LoadSession.
func ReadSession(r io.Reader, opts LoadOptions) (*Session, error) {
	br := bufio.NewReaderSize(r, 256<<10)
	line := 0
	next := func() ([]byte, error) {
		b, err := readLine(br, opts.Limits.maxEventSize())
		if len(b) > 0 {
			line++
			if err == io.EOF {
				return b, fmt.Errorf("line %d: %w", line, ErrTruncated)
			}
			return b, nil
		}
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("line %d: %w", line+1, err)
		}
		return nil, err
	}
	b, err := next()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty file: not a session")
		}
		return nil, err
	}
	var hdr fileHeader
	if err := json.Unmarshal(b, &hdr); err != nil || hdr.Format != SessionFormat {
		return nil, fmt.Errorf("line 1: not a session file (want a %q header)", SessionFormat)
	}
	if hdr.Version > SessionVersion {
		return nil, fmt.Errorf("line 1: session format version %d is newer than this program's %d", hdr.Version, SessionVersion)
	}
	sess := newSessionAt(hdr.Start, opts.Limits)
	ld := loader{sess: sess, lanes: map[int]*Lane{}}
	fail := func(err error) (*Session, error) {
		ld.finish()
		if opts.Partial {
			return sess, err
		}
		return nil, err
	}
	for {
		b, err := next()
		if err == io.EOF {
			return fail(fmt.Errorf("line %d: %w", line, ErrTruncated))
		}
		if err != nil {
			return fail(err)
		}
		done, err := ld.record(b)
		if err != nil {
			return fail(fmt.Errorf("line %d: %w", line, err))
		}
		if done {
			return sess, nil
		}
	}
}

// finish ends loading. Loading applies the session's limits as live
// recording does (sessionfile_limits.go), so there is nothing left to do.
func (ld *loader) finish() {}

// loader rebuilds lanes from records.
type loader struct {
	sess   *Session
	lanes  map[int]*Lane
	events int64 // event records read
}

func (ld *loader) lane(id int) (*Lane, error) {
	l, ok := ld.lanes[id]
	if !ok {
		return nil, fmt.Errorf("record for lane %d before its lane record", id)
	}
	return l, nil
}

// record loads one record line; done reports the end record.
func (ld *loader) record(b []byte) (done bool, err error) {
	var kind struct {
		Rec string `json:"rec"`
	}
	if err := json.Unmarshal(b, &kind); err != nil {
		return false, fmt.Errorf("invalid JSON: %w", err)
	}
	switch kind.Rec {
	case "lane":
		return false, ld.loadLane(b)
	case "conn":
		return false, ld.loadConn(b)
	case "read":
		return false, ld.loadRead(b)
	case "event":
		return false, ld.loadEvent(b)
	case "comment", "retry":
		return false, ld.loadNote(b)
	case "end":
		return true, ld.loadEnd(b)
	}
	return false, fmt.Errorf("unknown record %q", kind.Rec)
}

func (ld *loader) loadLane(b []byte) error {
	var r laneRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("lane record: %w", err)
	}
	if err := r.check(); err != nil {
		return fmt.Errorf("lane %d: %w", r.ID, err)
	}
	if _, dup := ld.lanes[r.ID]; dup {
		return fmt.Errorf("lane %d appears twice", r.ID)
	}
	if r.DroppedEvents < 0 || r.FirstRead < 0 {
		return fmt.Errorf("lane %d: negative counts", r.ID)
	}
	l := &Lane{sess: ld.sess, info: r.info(), state: r.State, stateDetail: r.Detail, tap: r.Kind == LaneTap}
	l.events, l.dropped = r.DroppedEvents, r.DroppedEvents
	l.reads.first, l.reads.n = r.FirstRead, r.FirstRead
	if l.tap {
		l.delivered.first, l.delivered.n = r.FirstRead, r.FirstRead
	}
	l.notes.recs.first, l.notes.recs.n = r.DroppedNotes, r.DroppedNotes
	l.connDetail = int(min(r.DroppedConnDetails, math.MaxInt32))
	l.droppedConns = r.DroppedConns.totals()
	ld.lanes[r.ID] = l
	ld.sess.lanes = append(ld.sess.lanes, l)
	if r.ID >= ld.sess.nextID {
		ld.sess.nextID = r.ID + 1
	}
	return nil
}

func (ld *loader) loadConn(b []byte) error {
	var r connRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("conn record: %w", err)
	}
	if err := r.check(); err != nil {
		return fmt.Errorf("lane %d: %w", r.Lane, err)
	}
	l, err := ld.lane(r.Lane)
	if err != nil {
		return err
	}
	if len(l.conns.chunks) == 0 && r.Index > int(l.conns.n) {
		// The recording lane's cap had dropped the connections before.
		l.conns.first, l.conns.n, l.connDetail = int64(r.Index), int64(r.Index), max(l.connDetail, r.Index)
	}
	if r.Index != int(l.conns.n) {
		return fmt.Errorf("lane %d: connection %d out of order", r.Lane, r.Index)
	}
	l.addLoadedConn(r.conn())
	return nil
}

func (ld *loader) loadRead(b []byte) error {
	var r readFileRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("read record: %w", err)
	}
	if err := r.check(); err != nil {
		return fmt.Errorf("lane %d: %w", r.Lane, err)
	}
	l, err := ld.lane(r.Lane)
	if err != nil {
		return err
	}
	if r.Index != l.reads.n || r.Conn < 0 || r.Conn >= int(l.conns.n) {
		return fmt.Errorf("lane %d: read %d out of order or on unknown connection", r.Lane, r.Index)
	}
	l.mu.Lock()
	l.appendRead(r.Conn, r.At, r.Delivered, r.WireSize, r.Size)
	l.mu.Unlock()
	return nil
}

func (ld *loader) loadEvent(b []byte) error {
	var r eventRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("event record: %w", err)
	}
	if err := r.check(); err != nil {
		return fmt.Errorf("lane %d: %w", r.Lane, err)
	}
	l, err := ld.lane(r.Lane)
	if err != nil {
		return err
	}
	if r.Seq != l.events || r.Conn < 0 || r.Conn >= int(l.conns.n) {
		return fmt.Errorf("lane %d: event %d out of order or on unknown connection", r.Lane, r.Seq)
	}
	it := r.item()
	ld.addEvent(l, r.Conn, &it, r.Arrival, r.Delivered)
	return nil
}

func (ld *loader) loadNote(b []byte) error {
	var r noteRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("note record: %w", err)
	}
	if err := r.check(); err != nil {
		return fmt.Errorf("lane %d: %s: %w", r.Lane, r.Rec, err)
	}
	l, err := ld.lane(r.Lane)
	if err != nil {
		return err
	}
	n := r.note()
	l.mu.Lock()
	l.appendNote(n.Conn, n.At, n.Kind, []byte(n.Text), n.Retry, n.Read)
	l.mu.Unlock()
	return nil
}

func (ld *loader) loadEnd(b []byte) error {
	var r endRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("end record: %w", err)
	}
	if r.Lanes != len(ld.lanes) || r.Events != ld.events {
		return fmt.Errorf("end record counts %d lanes and %d events, file holds %d and %d", r.Lanes, r.Events, len(ld.lanes), ld.events)
	}
	ld.finish()
	return nil
}
