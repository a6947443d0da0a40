package inspector

import (
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/sseinspector/sseinspector/inspector/sse"
)

// The session file format, version 1, defined here and only here: every
// JSON key of a session file is a tag in this file, and the model types
// (LaneInfo, Conn, Read, Event, Note) carry none, so renaming a Go field
// cannot change the format. testdata/session-v1.ssei pins it.
//
// A file is NDJSON: a fileHeader line, then for each lane a laneRecord,
// its connRecords, readRecords ("read"), eventRecords, noteRecords
// ("comment" or "retry"), and finally an endRecord whose absence marks a
// truncated file. Times are nanoseconds since the session's start.

type fileHeader struct {
	Format  string    `json:"format"`
	Version int       `json:"version"`
	Start   time.Time `json:"start"`
	Saved   time.Time `json:"saved"`
}

type laneRecord struct {
	Rec           string    `json:"rec"`
	ID            int       `json:"id"`
	Name          string    `json:"name"`
	Kind          LaneKind  `json:"kind"`
	URL           string    `json:"url"`
	Method        string    `json:"method,omitempty"`
	Client        string    `json:"client,omitempty"`
	State         LaneState `json:"state"`
	Detail        string    `json:"detail,omitempty"`
	DroppedEvents int64     `json:"droppedEvents,omitempty"`
	FirstRead     int64     `json:"firstRead,omitempty"`
	// The keys below were added to format 1 without a new version: a
	// reader that does not know them ignores them, and a file written
	// before them loads with these counts at zero (its dropped
	// connections are still counted, by the first connection's index).
	DroppedNotes       int64             `json:"droppedNotes,omitempty"`
	DroppedConnDetails int64             `json:"droppedConnDetails,omitempty"`
	DroppedConns       *connTotalsRecord `json:"droppedConns,omitempty"`
}

// connTotalsRecord adds up the connections whose records the lane had
// dropped (the first connection record's index says how many).
type connTotalsRecord struct {
	Start     time.Duration        `json:"start"`
	End       time.Duration        `json:"end"`
	Answered  int64                `json:"answered"`
	WireBytes int64                `json:"wireBytes"`
	Bytes     int64                `json:"bytes"`
	Reads     int64                `json:"reads"`
	Events    int64                `json:"events"`
	Discarded int64                `json:"discarded"`
	Causes    map[CloseCause]int64 `json:"causes"`
}

type connRecord struct {
	Rec            string        `json:"rec"`
	Lane           int           `json:"lane"`
	Index          int           `json:"conn"`
	Start          time.Duration `json:"start"`
	Method         string        `json:"method"`
	URL            string        `json:"url"`
	RequestHeader  http.Header   `json:"requestHeader,omitempty"`
	LastEventID    string        `json:"lastEventId,omitempty"`
	Redirects      []string      `json:"redirects,omitempty"`
	Status         int           `json:"status,omitempty"`
	Proto          string        `json:"proto,omitempty"`
	ResponseHeader http.Header   `json:"responseHeader,omitempty"`
	HeadersAt      time.Duration `json:"headersAt,omitempty"`
	FirstByteAt    time.Duration `json:"firstByteAt,omitempty"`
	WireBytes      int64         `json:"wireBytes"`
	Bytes          int64         `json:"bytes"`
	Reads          int64         `json:"reads"`
	Events         int64         `json:"events"`
	End            time.Duration `json:"end,omitempty"`
	Cause          CloseCause    `json:"cause,omitempty"`
	Err            string        `json:"err,omitempty"`
	Discarded      int64         `json:"discarded,omitempty"`
	Peer           CloseCause    `json:"peer,omitempty"`
	// Head and Tail are set on connections without events only: they
	// show what such a stream sent instead.
	Head []byte `json:"head,omitempty"`
	Tail []byte `json:"tail,omitempty"`
}

type readFileRecord struct {
	Rec       string        `json:"rec"`
	Lane      int           `json:"lane"`
	Index     int64         `json:"i"`
	Conn      int           `json:"conn"`
	At        time.Duration `json:"t"`
	Delivered time.Duration `json:"delivered,omitempty"`
	WireSize  int           `json:"wire"`
	Size      int           `json:"n"`
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
	Rec   string        `json:"rec"` // "comment" or "retry"
	Lane  int           `json:"lane"`
	Conn  int           `json:"conn"`
	At    time.Duration `json:"t"`
	Text  string        `json:"text,omitempty"`
	Retry time.Duration `json:"retry,omitempty"`
	Read  int64         `json:"read"`
}

type endRecord struct {
	Rec    string `json:"rec"`
	Lanes  int    `json:"lanes"`
	Events int64  `json:"events"`
}

func laneRecordOf(l *LaneSnapshot, firstRead int64) laneRecord {
	i := l.Info
	r := laneRecord{Rec: "lane", ID: i.ID, Name: i.Name, Kind: i.Kind, URL: i.URL, Method: i.Method, Client: i.Client,
		State: l.State, Detail: l.StateDetail, DroppedEvents: l.DroppedEvents, FirstRead: firstRead,
		DroppedNotes: l.DroppedNotes, DroppedConnDetails: l.DroppedConnDetails}
	if t := l.DroppedConns; t.Causes != nil {
		r.DroppedConns = &connTotalsRecord{Start: t.Start, End: t.End, Answered: t.Answered, WireBytes: t.WireBytes,
			Bytes: t.Bytes, Reads: t.Reads, Events: t.Events, Discarded: t.Discarded, Causes: t.Causes}
	}
	return r
}

// totals are the dropped connections' totals the record carries.
func (r *connTotalsRecord) totals() ConnTotals {
	if r == nil {
		return ConnTotals{}
	}
	t := ConnTotals{Start: r.Start, End: r.End, Answered: r.Answered, WireBytes: r.WireBytes, Bytes: r.Bytes,
		Reads: r.Reads, Events: r.Events, Discarded: r.Discarded, Causes: r.Causes}
	if t.Causes == nil {
		t.Causes = make(map[CloseCause]int64)
	}
	return t
}

func (r *laneRecord) info() LaneInfo {
	return LaneInfo{ID: r.ID, Name: r.Name, Kind: r.Kind, URL: r.URL, Method: r.Method, Client: r.Client}
}

func connRecordOf(lane int, c *Conn) connRecord {
	r := connRecord{Rec: "conn", Lane: lane, Index: c.Index, Start: c.Start, Method: c.Method, URL: c.URL,
		RequestHeader: c.RequestHeader, LastEventID: c.LastEventID, Redirects: c.Redirects, Status: c.Status,
		Proto: c.Proto, ResponseHeader: c.ResponseHeader, HeadersAt: c.HeadersAt, FirstByteAt: c.FirstByteAt,
		WireBytes: c.WireBytes, Bytes: c.Bytes, Reads: c.Reads, Events: c.Events, End: c.End, Cause: c.Cause,
		Err: c.Err, Discarded: c.Discarded, Peer: c.Peer}
	r.Head, r.Tail = c.Head, c.Tail
	return r
}

func (r *connRecord) conn() Conn {
	return Conn{Index: r.Index, Start: r.Start, Method: r.Method, URL: r.URL, RequestHeader: r.RequestHeader,
		LastEventID: r.LastEventID, Redirects: r.Redirects, Status: r.Status, Proto: r.Proto,
		ResponseHeader: r.ResponseHeader, HeadersAt: r.HeadersAt, FirstByteAt: r.FirstByteAt, WireBytes: r.WireBytes,
		Bytes: r.Bytes, Reads: r.Reads, Events: r.Events, End: r.End, Cause: r.Cause, Err: r.Err,
		Discarded: r.Discarded, Peer: r.Peer, Head: r.Head, Tail: r.Tail}
}

func readRecordOf(lane int, rd Read) readFileRecord {
	return readFileRecord{Rec: "read", Lane: lane, Index: rd.Index, Conn: rd.Conn, At: rd.At, Delivered: rd.Delivered,
		WireSize: rd.WireSize, Size: rd.Size}
}

func eventRecordOf(lane int, ev *Event) eventRecord {
	rec := eventRecord{Rec: "event", Lane: lane, Seq: ev.Seq, Conn: ev.Conn, Arrival: ev.Arrival,
		Delivered: ev.Delivered, Offset: ev.Offset, Size: ev.Size, FirstRead: ev.FirstRead, LastRead: ev.LastRead,
		ID: ev.ID, Truncated: ev.Truncated, Type: ev.Type, Data: ev.Data}
	if utf8.Valid(ev.Raw) {
		s := string(ev.Raw)
		rec.Raw = &s
	} else {
		rec.Raw64 = ev.Raw
	}
	return rec
}

// item is the parsed item the event record describes, for appending.
func (r *eventRecord) item() sse.Item {
	raw := r.Raw64
	if r.Raw != nil {
		raw = []byte(*r.Raw)
	}
	return sse.Item{Kind: sse.ItemEvent, ID: r.ID, Raw: raw, Offset: r.Offset, Size: r.Size,
		FirstRead: r.FirstRead, LastRead: r.LastRead, Truncated: r.Truncated}
}

func noteRecordOf(lane int, n Note) noteRecord {
	kind := "comment"
	if n.Kind == sse.ItemRetry {
		kind = "retry"
	}
	return noteRecord{Rec: kind, Lane: lane, Conn: n.Conn, At: n.At, Text: n.Text, Retry: n.Retry, Read: n.Read}
}

func (r *noteRecord) note() Note {
	kind := sse.ItemComment
	if r.Rec == "retry" {
		kind = sse.ItemRetry
	}
	return Note{Conn: r.Conn, At: r.At, Kind: kind, Text: r.Text, Retry: r.Retry, Read: r.Read}
}
