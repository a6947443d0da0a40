package inspector

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
	"unicode/utf8"

	"github.com/sseinspector/sseinspector/inspector/sse"
)

// Session files are NDJSON: a header line naming the format and version,
// then one record per line (lanes, connections, reads, events, notes), and
// an end record whose absence marks a truncated file.

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

type fileHeader struct {
	Format  string    `json:"format"`
	Version int       `json:"version"`
	Start   time.Time `json:"start"`
	Saved   time.Time `json:"saved"`
}

type laneRecord struct {
	Rec string `json:"rec"`
	LaneInfo
	State         LaneState `json:"state"`
	Detail        string    `json:"detail,omitempty"`
	DroppedEvents int64     `json:"droppedEvents,omitempty"`
	FirstRead     int64     `json:"firstRead,omitempty"`
}

type connRecord struct {
	Rec  string `json:"rec"`
	Lane int    `json:"lane"`
	Conn
}

type readFileRecord struct {
	Rec  string `json:"rec"`
	Lane int    `json:"lane"`
	Read
}

type eventRecord struct {
	Rec       string        `json:"rec"`
	Lane      int           `json:"lane"`
	Seq       int64         `json:"seq"`
	Conn      int           `json:"conn"`
	Arrival   time.Duration `json:"t"`
	Delivered time.Duration `json:"delivered,omitempty"`
	Offset    int64         `json:"offset"`
	Size      int64         `json:"size"`
	FirstRead int64         `json:"firstRead"`
	LastRead  int64         `json:"lastRead"`
	ID        string        `json:"id"`
	Truncated bool          `json:"truncated,omitempty"`
	// Raw holds the raw block when it is valid UTF-8, Raw64 (base64) otherwise.
	Raw   *string `json:"raw,omitempty"`
	Raw64 []byte  `json:"raw64,omitempty"`
	// Type and Data are for people and scripts reading the file; loading
	// re-derives them from the raw bytes.
	Type string `json:"type"`
	Data string `json:"data"`
}

type noteRecord struct {
	Rec  string `json:"rec"`
	Lane int    `json:"lane"`
	Note
}

type endRecord struct {
	Rec    string `json:"rec"`
	Lanes  int    `json:"lanes"`
	Events int64  `json:"events"`
}

// SaveSession writes a snapshot to path atomically: to a temporary file in
// the same directory, then renamed over path.
func SaveSession(path string, snap *Snapshot, opts SaveOptions) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("save session %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriterSize(tmp, 256<<10)
	if err = WriteSession(w, snap, opts); err != nil {
		return fmt.Errorf("save session %s: %w", path, err)
	}
	if err = w.Flush(); err != nil {
		return fmt.Errorf("save session %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("save session %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("save session %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save session %s: %w", path, err)
	}
	return nil
}

// WriteSession writes a snapshot as NDJSON to w.
func WriteSession(w io.Writer, snap *Snapshot, opts SaveOptions) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(fileHeader{Format: SessionFormat, Version: SessionVersion, Start: snap.Start, Saved: time.Now()}); err != nil {
		return err
	}
	var total int64
	for _, l := range snap.Lanes {
		first := int64(0)
		if l.ReadCount() > 0 {
			first = l.Read(0).Index
		}
		if err := enc.Encode(laneRecord{Rec: "lane", LaneInfo: l.Info, State: l.State, Detail: l.StateDetail,
			DroppedEvents: l.DroppedEvents, FirstRead: first}); err != nil {
			return err
		}
		for _, c := range l.Conns {
			if !opts.KeepSecrets {
				c.RequestHeader = RedactHeader(c.RequestHeader)
				c.ResponseHeader = RedactHeader(c.ResponseHeader)
			}
			if err := enc.Encode(connRecord{Rec: "conn", Lane: l.Info.ID, Conn: c}); err != nil {
				return err
			}
		}
		for i := 0; i < l.ReadCount(); i++ {
			if err := enc.Encode(readFileRecord{Rec: "read", Lane: l.Info.ID, Read: l.Read(i)}); err != nil {
				return err
			}
		}
		for i := 0; i < l.Len(); i++ {
			ev := l.Event(i)
			rec := eventRecord{Rec: "event", Lane: l.Info.ID, Seq: ev.Seq, Conn: ev.Conn, Arrival: ev.Arrival,
				Delivered: ev.Delivered, Offset: ev.Offset, Size: ev.Size, FirstRead: ev.FirstRead, LastRead: ev.LastRead,
				ID: ev.ID, Truncated: ev.Truncated, Type: ev.Type, Data: ev.Data}
			if utf8.Valid(ev.Raw) {
				s := string(ev.Raw)
				rec.Raw = &s
			} else {
				rec.Raw64 = ev.Raw
			}
			if err := enc.Encode(rec); err != nil {
				return err
			}
			total++
		}
		for _, n := range l.Notes() {
			kind := "comment"
			if n.Kind == sse.ItemRetry {
				kind = "retry"
			}
			if err := enc.Encode(noteRecord{Rec: kind, Lane: l.Info.ID, Note: n}); err != nil {
				return err
			}
		}
	}
	return enc.Encode(endRecord{Rec: "end", Lanes: len(snap.Lanes), Events: total})
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
		b, err := br.ReadBytes('\n')
		if len(b) > 0 {
			line++
			if err == io.EOF {
				return b, fmt.Errorf("line %d: %w", line, ErrTruncated)
			}
			return b, nil
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

// finish ends loading: from now on the lanes' memory caps apply again.
func (ld *loader) finish() {
	for _, l := range ld.lanes {
		l.loading = false
	}
}

// loader rebuilds lanes from records.
type loader struct {
	sess  *Session
	lanes map[int]*Lane
}

func (ld *loader) lane(id int) (*Lane, error) {
	l, ok := ld.lanes[id]
	if !ok {
		return nil, fmt.Errorf("record for lane %d before its lane record", id)
	}
	return l, nil
}

func (ld *loader) record(b []byte) (done bool, err error) {
	var kind struct {
		Rec string `json:"rec"`
	}
	if err := json.Unmarshal(b, &kind); err != nil {
		return false, fmt.Errorf("invalid JSON: %w", err)
	}
	switch kind.Rec {
	case "lane":
		var r laneRecord
		if err := json.Unmarshal(b, &r); err != nil {
			return false, fmt.Errorf("lane record: %w", err)
		}
		if _, dup := ld.lanes[r.ID]; dup {
			return false, fmt.Errorf("lane %d appears twice", r.ID)
		}
		if r.DroppedEvents < 0 || r.FirstRead < 0 {
			return false, fmt.Errorf("lane %d: negative counts", r.ID)
		}
		l := &Lane{sess: ld.sess, info: r.LaneInfo, state: r.State, stateDetail: r.Detail, tap: r.Kind == LaneTap, loading: true}
		l.events, l.dropped = r.DroppedEvents, r.DroppedEvents
		l.reads.first, l.reads.n = r.FirstRead, r.FirstRead
		ld.lanes[r.ID] = l
		ld.sess.lanes = append(ld.sess.lanes, l)
		if r.ID >= ld.sess.nextID {
			ld.sess.nextID = r.ID + 1
		}
	case "conn":
		var r connRecord
		if err := json.Unmarshal(b, &r); err != nil {
			return false, fmt.Errorf("conn record: %w", err)
		}
		l, err := ld.lane(r.Lane)
		if err != nil {
			return false, err
		}
		if r.Index != len(l.conns) {
			return false, fmt.Errorf("lane %d: connection %d out of order", r.Lane, r.Index)
		}
		l.conns = append(l.conns, r.Conn)
	case "read":
		var r readFileRecord
		if err := json.Unmarshal(b, &r); err != nil {
			return false, fmt.Errorf("read record: %w", err)
		}
		l, err := ld.lane(r.Lane)
		if err != nil {
			return false, err
		}
		if r.Index != l.reads.n || r.Conn < 0 || r.Conn >= len(l.conns) {
			return false, fmt.Errorf("lane %d: read %d out of order or on unknown connection", r.Lane, r.Index)
		}
		grown := l.reads.append(readRecord{at: int64(r.At), delivered: int64(r.Delivered), conn: uint32(r.Conn), wire: uint32(r.WireSize), size: uint32(r.Size)})
		l.memory += int64(grown) * readRecordSize
	case "event":
		var r eventRecord
		if err := json.Unmarshal(b, &r); err != nil {
			return false, fmt.Errorf("event record: %w", err)
		}
		l, err := ld.lane(r.Lane)
		if err != nil {
			return false, err
		}
		if r.Seq != l.events || r.Conn < 0 || r.Conn >= len(l.conns) {
			return false, fmt.Errorf("lane %d: event %d out of order or on unknown connection", r.Lane, r.Seq)
		}
		raw := r.Raw64
		if r.Raw != nil {
			raw = []byte(*r.Raw)
		}
		it := sse.Item{Kind: sse.ItemEvent, ID: r.ID, Raw: raw, Offset: r.Offset, Size: r.Size,
			FirstRead: r.FirstRead, LastRead: r.LastRead, Truncated: r.Truncated}
		l.appendEvent(r.Conn, &it, r.Arrival, r.Delivered)
	case "comment", "retry":
		var r noteRecord
		if err := json.Unmarshal(b, &r); err != nil {
			return false, fmt.Errorf("%s record: %w", kind.Rec, err)
		}
		l, err := ld.lane(r.Lane)
		if err != nil {
			return false, err
		}
		r.Note.Kind = sse.ItemComment
		if kind.Rec == "retry" {
			r.Note.Kind = sse.ItemRetry
		}
		l.appendNote(r.Note)
	case "end":
		var r endRecord
		if err := json.Unmarshal(b, &r); err != nil {
			return false, fmt.Errorf("end record: %w", err)
		}
		var events int64
		for _, l := range ld.lanes {
			events += l.events - l.dropped
		}
		if r.Lanes != len(ld.lanes) || r.Events != events {
			return false, fmt.Errorf("end record counts %d lanes and %d events, file holds %d and %d", r.Lanes, r.Events, len(ld.lanes), events)
		}
		ld.finish()
		return true, nil
	default:
		return false, fmt.Errorf("unknown record %q", kind.Rec)
	}
	return false, nil
}
