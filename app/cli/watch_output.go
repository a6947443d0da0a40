package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/sseinspector/sseinspector/inspector/sse"

	"github.com/sseinspector/sseinspector/inspector"
)

// watchPrinter writes the watch command's live output, human or NDJSON.
// Hooks of every lane call it from their own goroutines, so it serializes
// them, and it enforces --max-events across lanes.
type watchPrinter struct {
	mu        sync.Mutex
	w         io.Writer
	enc       *json.Encoder // nil for human output
	sess      *inspector.Session
	maxEvents int
	events    int
	limitHit  func()        // called once when maxEvents is reached
	seq       map[int]int64 // lane ID -> next event seq
	conn      map[int]int   // lane ID -> the open connection's index
}

func newWatchPrinter(w io.Writer, sess *inspector.Session, asJSON bool, maxEvents int, limitHit func()) *watchPrinter {
	p := &watchPrinter{w: w, sess: sess, maxEvents: maxEvents, limitHit: limitHit, seq: map[int]int64{}, conn: map[int]int{}}
	if asJSON {
		p.enc = json.NewEncoder(w)
		p.enc.SetEscapeHTML(false)
	}
	return p
}

// The NDJSON line shapes. Every line has kind, t (wall-clock time,
// RFC 3339 with nanoseconds) and lane (the lane ID).
type (
	jsonOpen struct {
		Kind      string   `json:"kind"`
		T         string   `json:"t"`
		Lane      int      `json:"lane"`
		Conn      int      `json:"conn"`
		Status    int      `json:"status"`
		Proto     string   `json:"proto"`
		URL       string   `json:"url"`
		Redirects []string `json:"redirects,omitempty"`
	}
	jsonEvent struct {
		Kind string `json:"kind"`
		T    string `json:"t"`
		Lane int    `json:"lane"`
		Conn int    `json:"conn"`
		Seq  int64  `json:"seq"`
		Type string `json:"type"`
		ID   string `json:"id"`
		Data string `json:"data"`
		Size int64  `json:"size"`
	}
	jsonComment struct {
		Kind string `json:"kind"`
		T    string `json:"t"`
		Lane int    `json:"lane"`
		Conn int    `json:"conn"`
		Text string `json:"text"`
	}
	jsonRetry struct {
		Kind  string `json:"kind"`
		T     string `json:"t"`
		Lane  int    `json:"lane"`
		Conn  int    `json:"conn"`
		Retry int64  `json:"retry"` // milliseconds
	}
	jsonClose struct {
		Kind        string `json:"kind"`
		T           string `json:"t"`
		Lane        int    `json:"lane"`
		Conn        *int   `json:"conn,omitempty"`
		Reason      string `json:"reason"`
		Error       string `json:"error,omitempty"`
		ReconnectIn *int64 `json:"reconnectIn,omitempty"` // milliseconds
	}
)

func (p *watchPrinter) hooks() inspector.Hooks {
	return inspector.Hooks{OnOpen: p.opened, OnItem: p.item, OnClose: p.closed}
}

// wall converts a session time to the wall clock for JSON output.
func (p *watchPrinter) wall(at time.Duration) string {
	return p.sess.Start().Add(at).UTC().Format(time.RFC3339Nano)
}

func (p *watchPrinter) limited() bool { return p.maxEvents > 0 && p.events >= p.maxEvents }

func (p *watchPrinter) opened(l *inspector.Lane, c inspector.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conn[l.ID()] = c.Index
	if p.limited() {
		return
	}
	if p.enc != nil {
		p.enc.Encode(jsonOpen{Kind: "open", T: p.wall(c.HeadersAt), Lane: l.ID(), Conn: c.Index,
			Status: c.Status, Proto: c.Proto, URL: c.URL, Redirects: c.Redirects})
		return
	}
	where := c.URL
	if n := len(c.Redirects); n > 0 {
		where = c.Redirects[n-1] + " (redirected from " + c.URL + ")"
	}
	p.human(c.HeadersAt, l, "open", "%d %s conn %d %s", c.Status, c.Proto, c.Index, where)
}

func (p *watchPrinter) item(l *inspector.Lane, it *sse.Item, at time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.limited() {
		return
	}
	ci := p.conn[l.ID()]
	switch it.Kind {
	case sse.ItemEvent:
		seq := p.seq[l.ID()]
		p.seq[l.ID()]++
		p.events++
		if p.enc != nil {
			p.enc.Encode(jsonEvent{Kind: "event", T: p.wall(at), Lane: l.ID(), Conn: ci, Seq: seq,
				Type: it.Type, ID: it.ID, Data: string(it.Data), Size: it.Size})
		} else {
			p.human(at, l, it.Type, "id=%s %d B %s", strconv.Quote(it.ID), it.Size, preview(it.Data))
		}
		if p.limited() && p.limitHit != nil {
			p.limitHit()
		}
	case sse.ItemComment:
		if p.enc != nil {
			p.enc.Encode(jsonComment{Kind: "comment", T: p.wall(at), Lane: l.ID(), Conn: ci, Text: string(it.Data)})
		} else {
			p.human(at, l, "comment", "%s", preview(it.Data))
		}
	case sse.ItemRetry:
		if p.enc != nil {
			p.enc.Encode(jsonRetry{Kind: "retry", T: p.wall(at), Lane: l.ID(), Conn: ci, Retry: it.Retry.Milliseconds()})
		} else {
			p.human(at, l, "retry", "%v", it.Retry)
		}
	}
}

func (p *watchPrinter) closed(l *inspector.Lane, c inspector.Conn, reconnectIn time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	line := jsonClose{Kind: "close", T: p.wall(c.End), Lane: l.ID(), Conn: &c.Index, Reason: string(c.Cause), Error: c.Err}
	if reconnectIn >= 0 {
		ms := reconnectIn.Milliseconds()
		line.ReconnectIn = &ms
	}
	if p.enc != nil {
		p.enc.Encode(line)
		return
	}
	msg := fmt.Sprintf("%s conn %d", c.Cause, c.Index)
	if c.Err != "" {
		msg += ": " + c.Err
	}
	if reconnectIn >= 0 {
		msg += fmt.Sprintf("; reconnecting in %v", reconnectIn)
	}
	p.human(c.End, l, "close", "%s", msg)
}

// failed reports a subscription that ended for good. Human output has
// already shown the cause on its close line; the caller reports it on
// stderr.
func (p *watchPrinter) failed(l *inspector.Lane, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.enc == nil {
		return
	}
	line := jsonClose{Kind: "error", T: p.wall(p.sess.Now()), Lane: l.ID(), Error: err.Error()}
	var ce *inspector.ConnError
	if errors.As(err, &ce) {
		line.Reason = string(ce.Cause)
	}
	p.enc.Encode(line)
}

// human writes one line: milliseconds since the start, lane, what, details.
func (p *watchPrinter) human(at time.Duration, l *inspector.Lane, what, format string, a ...any) {
	ms := float64(at) / float64(time.Millisecond)
	fmt.Fprintf(p.w, "%10.1f ms  #%d  %-8s %s\n", ms, l.ID(), what, fmt.Sprintf(format, a...))
}

// previewRunes bounds the data shown on a human output line.
const previewRunes = 80

// preview quotes the start of data so that line breaks and control
// characters stay on one visible line.
func preview(data []byte) string {
	if utf8.RuneCount(data) <= previewRunes {
		return strconv.Quote(string(data))
	}
	cut, n := 0, 0
	for cut < len(data) && n < previewRunes {
		_, size := utf8.DecodeRune(data[cut:])
		cut += size
		n++
	}
	return strconv.Quote(string(data[:cut])) + "…"
}
