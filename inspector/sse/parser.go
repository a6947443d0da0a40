package sse

import (
	"bytes"
	"math"
	"time"
	"unicode/utf8"
)

// DefaultMaxEventSize is the per-event cap (16 MiB).
const DefaultMaxEventSize = 16 << 20

// ItemKind says what a parser Item is.
type ItemKind uint8

// The kinds of Item a Parser emits.
const (
	ItemEvent   ItemKind = iota + 1 // a dispatched event
	ItemComment                     // a line starting with ':'
	ItemRetry                       // a valid retry field
)

// Item is one thing the parser found.
//
// Byte slices are only valid during the emit callback: they may point into
// the chunk passed to Feed or into buffers the parser reuses. Copy what you
// keep.
type Item struct {
	Kind ItemKind

	// Type is the event type of an ItemEvent: "message" when the block set
	// none. For a truncated block it is still the type the browser
	// dispatches, even when the event field lies beyond the kept bytes.
	Type string

	// Data is, for an ItemEvent, the event's data with the trailing LF
	// removed; for an ItemComment, the text after the ':' (the leading space
	// is kept, as the text is shown, not interpreted). Invalid UTF-8 is
	// replaced by U+FFFD as in a browser. For a truncated item it is what
	// the kept bytes in Raw yield, so it always equals what DecodeBlock
	// derives from Raw.
	Data []byte

	// ID is, for an ItemEvent, the last event ID string after this event,
	// i.e. what MessageEvent.lastEventId shows. It is empty for other kinds.
	ID string

	// Raw holds the bytes as they arrived. For an ItemEvent: the whole block
	// from its first byte through the terminator of the blank line that
	// dispatched it, including comment and other lines inside the block.
	// For an ItemComment or ItemRetry: the line and its terminator. When a
	// line ends in CR the terminator is the CR alone; an LF right after it
	// belongs to the line ending but is not part of Raw, so that an item's
	// bytes never depend on how the stream was split into reads. Raw holds
	// at most MaxEventSize bytes.
	Raw []byte

	// Offset is the stream offset of Raw[0]. The stream offset counts every
	// byte fed since the stream started, including a byte order mark.
	Offset int64

	// Size is the full size in bytes of the block or line, which exceeds
	// len(Raw) when Truncated.
	Size int64

	// FirstRead is the read index of the chunk that carried Raw[0].
	FirstRead int64

	// LastRead is the read index of the chunk that completed the item.
	LastRead int64

	// Truncated reports that the block or line exceeded MaxEventSize, so
	// Raw and Data hold its first bytes only.
	Truncated bool

	// Retry is, for an ItemRetry, the new reconnection time. A retry
	// field whose value a time.Duration cannot hold is ignored, as
	// browsers ignore values they cannot represent.
	Retry time.Duration
}

// Parser turns the bytes of one text/event-stream response into Items,
// following the WHATWG HTML rules for EventSource. It does no I/O and keeps
// no clock: the caller feeds it each network read with the read's index and
// attaches timing to the items itself.
//
// The zero value is ready to use. A Parser is not safe for concurrent use.
type Parser struct {
	// MaxEventSize caps the bytes kept for one block or line; 0 or less
	// means DefaultMaxEventSize. Longer blocks are still parsed to the end
	// (their id, event and retry fields take effect) but only their first
	// MaxEventSize bytes are kept, so memory stays bounded by a small
	// multiple of the cap whatever the stream sends.
	MaxEventSize int

	item Item // reused for every emit to keep the hot path allocation-free

	// The first three bytes of a stream may be a byte order mark; the
	// bytes of a possible mark are held back until it is certain.
	bomChecked bool
	bomHeld    int
	bomRead    [2]int64

	off    int64 // stream offset of the next byte to arrive
	skipLF bool  // the last byte ended a line with CR, so an LF next is part of that ending

	// The open block: from the first byte of its first line up to the
	// blank line that will dispatch it.
	inBlock   bool
	blockOff  int64
	blockRead int64
	raw       []byte // the block's kept bytes that arrived in earlier reads
	hasData   bool   // a data field was seen, so the blank line dispatches
	data      []byte // data buffer, built from the kept bytes only
	typ       string // event type buffer

	// The open line, when it spans reads. Its bytes are buffered only as far
	// as its field needs them; lineMax is 0 until the field is known.
	lineOpen bool
	lineOff  int64
	lineRead int64
	line     []byte
	lineMax  int
	lineKind field // valid once lineMax is set
	tailNUL  bool  // a NUL arrived beyond the buffered bytes
	tailBad  bool  // a non-digit arrived beyond the buffered bytes
	tailSeen bool  // bytes went unbuffered
	tailMs   int64 // a retry's value so far, once bytes went unbuffered

	idBuf  string // last event ID buffer
	lastID string // last event ID string

	types   map[string]string // interned event types
	scratch []byte            // decoded text of the line being handled
}

// bom is the UTF-8 byte order mark that the UTF-8 decode stripped once at
// the start of a stream.
var bom = [3]byte{0xEF, 0xBB, 0xBF}

// nameProbe is how many bytes of a line are buffered before its field is
// decided. Every known field name is shorter, so a line with no colon in
// its first nameProbe bytes is an unknown field.
const nameProbe = 16

// maxInternedTypes bounds the interning table so a stream inventing event
// types cannot grow it forever.
const maxInternedTypes = 256

// shrinkAbove is the buffer capacity beyond which a buffer is dropped after
// use, so one huge event does not pin its memory for the rest of a session.
const shrinkAbove = 1 << 20

// Feed parses one network read. read is the caller's index for this read
// and is reported back in FirstRead and LastRead. emit is called for every
// item completed by this chunk, in stream order; it may be nil, and it must
// not call Feed or End. The *Item passed to emit is reused between calls.
//
// A blank line that ends in CR dispatches as soon as the CR arrives, so an
// event is never reported later than a browser would fire it.
func (p *Parser) Feed(chunk []byte, read int64, emit func(*Item)) {
	if emit == nil {
		emit = func(*Item) {}
	}
	if !p.bomChecked {
		matched := 0
		for matched < len(chunk) && p.bomHeld+matched < len(bom) && chunk[matched] == bom[p.bomHeld+matched] {
			matched++
		}
		switch {
		case p.bomHeld+matched == len(bom):
			p.bomChecked = true
			p.bomHeld = 0
			p.off += int64(len(bom))
			chunk = chunk[matched:]
		case matched == len(chunk):
			for i := range matched {
				p.bomRead[p.bomHeld+i] = read
			}
			p.bomHeld += matched
			return
		default:
			// Not a mark after all: the held bytes are content and keep the
			// read indices they arrived with.
			p.bomChecked = true
			held := p.bomHeld
			p.bomHeld = 0
			for i := range held {
				p.process(bom[i:i+1], p.bomRead[i], emit)
			}
		}
	}
	p.process(chunk, read, emit)
}

// End ends the stream: the incomplete block, if any, is discarded as a
// browser does, and the number of bytes discarded is returned. The Parser
// is then ready for a new stream (a reconnection): offsets restart at 0 and
// a byte order mark is stripped again, but the last event ID string is
// kept, as EventSource keeps it across reconnections.
func (p *Parser) End() (discarded int64) {
	if p.inBlock {
		discarded = p.off - p.blockOff
	}
	discarded += int64(p.bomHeld)
	p.bomChecked = false
	p.bomHeld = 0
	p.off = 0
	p.skipLF = false
	p.endBlock()
	p.lineOpen = false
	p.line = shrink(p.line)
	// Browsers start the new stream's ID buffer from the kept string;
	// otherwise the first event without an id field would clear it.
	p.idBuf = p.lastID
	return discarded
}

// LastEventID returns the last event ID string: the value a browser sends
// as Last-Event-ID when it reconnects.
func (p *Parser) LastEventID() string { return p.lastID }

// SetLastEventID sets the last event ID string, e.g. to the Last-Event-ID
// the user's first request carried. It sets the ID buffer too, so events
// without an id field carry it, as they do in a browser.
func (p *Parser) SetLastEventID(id string) {
	p.lastID = id
	p.idBuf = id
}

// Offset returns the number of bytes fed in the current stream.
func (p *Parser) Offset() int64 { return p.off + int64(p.bomHeld) }

func (p *Parser) limit() int {
	if p.MaxEventSize > 0 {
		return p.MaxEventSize
	}
	return DefaultMaxEventSize
}

// process parses bytes that are known not to be a byte order mark.
func (p *Parser) process(b []byte, read int64, emit func(*Item)) {
	n := len(b)
	if n == 0 {
		return
	}
	limit := p.limit()
	base := p.off
	p.off += int64(n)

	i := 0
	if p.skipLF {
		p.skipLF = false
		if b[0] == '\n' {
			i = 1
		}
	}
	// blockStart is where the open block's bytes in b begin; blockHere says
	// the block began in b, so its Raw can point into b without a copy.
	blockStart, blockHere := 0, false
	// The next CR and LF are searched for separately with the vectorised
	// IndexByte and remembered, so a stream without CRs costs one scan per
	// read rather than one per line. -1 means none left in b.
	cr, lf := -2, -2
	for i < n {
		if cr != -1 && cr < i {
			cr = indexFrom(b, i, '\r')
		}
		if lf != -1 && lf < i {
			lf = indexFrom(b, i, '\n')
		}
		end := lf
		if cr >= 0 && (end < 0 || cr < end) {
			end = cr
		}
		if end < 0 {
			if !p.lineOpen {
				if !p.inBlock {
					p.openBlock(base+int64(i), read)
					blockStart, blockHere = i, true
				}
				p.openLine(base+int64(i), read)
			}
			p.appendLine(b[i:], limit)
			break
		}

		var ln, withTerm []byte
		var lineOff, lineRead, full int64
		truncatedLine := false
		if p.lineOpen {
			p.appendLine(b[i:end], limit)
			p.lineOpen = false
			ln = p.line
			lineOff, lineRead = p.lineOff, p.lineRead
			full = base + int64(end) - lineOff
			truncatedLine = int64(len(ln)) < full
			if !truncatedLine {
				p.line = append(p.line, b[end])
			}
			withTerm = p.line
		} else {
			ln = b[i:end]
			withTerm = b[i : end+1]
			lineOff, lineRead = base+int64(i), read
			full = int64(end - i)
			if full > 0 && !p.inBlock {
				p.openBlock(lineOff, read)
				blockStart, blockHere = i, true
			}
		}

		if full == 0 {
			p.lastID = p.idBuf
			if p.inBlock {
				if p.hasData {
					var raw []byte
					if blockHere {
						raw = b[blockStart : end+1]
						if len(raw) > limit {
							raw = raw[:limit]
						}
					} else {
						p.raw = appendCapped(p.raw, b[blockStart:end+1], limit)
						raw = p.raw
					}
					p.emitEvent(raw, base+int64(end)+1-p.blockOff, read, limit, emit)
				}
				p.endBlock()
			}
		} else {
			p.handleLine(ln, withTerm, lineOff, lineRead, full, truncatedLine, read, limit, emit)
		}

		i = end + 1
		if b[end] == '\r' {
			if i < n {
				if b[i] == '\n' {
					i++
				}
			} else {
				p.skipLF = true
			}
		}
	}
	if p.inBlock {
		p.raw = appendCapped(p.raw, b[blockStart:], limit)
	}
}

func indexFrom(b []byte, from int, c byte) int {
	j := bytes.IndexByte(b[from:], c)
	if j < 0 {
		return -1
	}
	return from + j
}

func (p *Parser) openBlock(off, read int64) {
	p.inBlock = true
	p.blockOff = off
	p.blockRead = read
	p.raw = p.raw[:0]
}

// endBlock resets the buffers a dispatch resets. The ID buffer survives.
func (p *Parser) endBlock() {
	p.inBlock = false
	p.hasData = false
	p.typ = ""
	p.raw = shrink(p.raw)
	p.data = shrink(p.data)
	p.scratch = shrink(p.scratch)
}

func shrink(b []byte) []byte {
	if cap(b) > shrinkAbove {
		return nil
	}
	return b[:0]
}

func (p *Parser) openLine(off, read int64) {
	p.lineOpen = true
	p.lineOff = off
	p.lineRead = read
	p.line = shrink(p.line)
	p.lineMax = 0
	p.tailNUL = false
	p.tailBad = false
	p.tailSeen = false
	p.tailMs = 0
}

// appendLine buffers the next part of a line that spans reads. Only as many
// bytes are kept as the line's field can use; for the rest, the facts that
// still matter (a NUL in an id, a non-digit in a retry) are noted.
func (p *Parser) appendLine(seg []byte, limit int) {
	if p.lineMax == 0 {
		if room := nameProbe - len(p.line); room > 0 {
			take := min(room, len(seg))
			p.line = append(p.line, seg[:take]...)
			seg = seg[take:]
			if len(p.line) < nameProbe {
				return
			}
		}
		p.lineMax = p.lineKeep(limit)
	}
	if room := p.lineMax - len(p.line); room > 0 {
		take := min(room, len(seg))
		p.line = append(p.line, seg[:take]...)
		seg = seg[take:]
	}
	if len(seg) == 0 {
		return
	}
	switch p.lineKind {
	case fieldID:
		if !p.tailNUL && bytes.IndexByte(seg, 0) >= 0 {
			p.tailNUL = true
		}
	case fieldRetry:
		if p.tailBad {
			return
		}
		if !p.tailSeen {
			// Leading zeros can make a long retry value small, so the
			// value is carried on rather than assumed to be huge.
			p.tailSeen = true
			_, v := splitLine(p.line)
			if !allDigits(v) {
				p.tailBad = true
				return
			}
			p.tailMs = parseMillis(0, v)
		}
		if !allDigits(seg) {
			p.tailBad = true
			return
		}
		p.tailMs = parseMillis(p.tailMs, seg)
	}
}

// lineKeep decides how many bytes of the open line to buffer, once its
// first nameProbe bytes are known.
func (p *Parser) lineKeep(limit int) int {
	keep := nameProbe
	p.lineKind, _ = splitLine(p.line)
	switch p.lineKind {
	case fieldComment, fieldEvent, fieldID, fieldRetry:
		keep = max(keep, limit)
	case fieldData:
		// Only the part inside the block's kept bytes reaches the data.
		if k := p.lineOff - p.blockOff; k < int64(limit) {
			keep = max(keep, limit-int(k))
		}
	}
	return keep
}

// handleLine interprets one complete non-empty line. ln holds its bytes
// (only the first ones when truncatedLine), withTerm the same plus the
// terminator when there is room for it, and full is its real length.
func (p *Parser) handleLine(ln, withTerm []byte, lineOff, lineRead, full int64, truncatedLine bool, read int64, limit int, emit func(*Item)) {
	f, value := splitLine(ln)

	// A line that crosses the cap contributes to the data what its kept
	// bytes say, read as if the line ended there: that is exactly what
	// DecodeBlock will see in the truncated Raw.
	within := true
	if k := lineOff - p.blockOff; k+full > int64(limit) {
		within = false
		if k < int64(limit) {
			if keep := limit - int(k); keep <= len(ln) {
				if pf, pv := splitLine(ln[:keep]); pf == fieldData {
					p.data = appendText(p.data, pv)
					p.data = append(p.data, '\n')
				}
			}
			// A shorter ln is an unknown field whose name already fills
			// nameProbe bytes, so its cut-off prefix is unknown too.
		}
	}

	switch f {
	case fieldData:
		p.hasData = true
		if within {
			p.data = appendText(p.data, value)
			p.data = append(p.data, '\n')
		}
	case fieldEvent:
		p.setType(keptValue(ln, value, limit))
	case fieldID:
		if bytes.IndexByte(value, 0) < 0 && !(truncatedLine && p.tailNUL) {
			if t := p.text(keptValue(ln, value, limit)); string(t) != p.idBuf {
				p.idBuf = string(t)
			}
		}
	case fieldRetry:
		if len(value) == 0 || !allDigits(value) || (truncatedLine && p.tailBad) {
			return
		}
		ms := parseMillis(0, value)
		if truncatedLine {
			ms = p.tailMs
		}
		if ms < 0 {
			return // too large to represent: ignored, as browsers do
		}
		p.fillLineItem(ItemRetry, withTerm, lineOff, lineRead, full, read, limit)
		p.item.Retry = time.Duration(ms) * time.Millisecond
		emit(&p.item)
	case fieldComment:
		p.fillLineItem(ItemComment, withTerm, lineOff, lineRead, full, read, limit)
		text := p.item.Raw[1:]
		if int64(len(text)) > full-1 {
			text = text[:full-1] // drop the terminator
		}
		p.item.Data = p.text(text)
		emit(&p.item)
	}
}

// keptValue cuts value, which ends ln, to the part within the bytes a line
// that spans reads would have buffered, so that a value never depends on
// where the reads were split.
func keptValue(ln, value []byte, limit int) []byte {
	if keep := max(limit, nameProbe); len(ln) > keep {
		start := len(ln) - len(value)
		value = value[:max(keep-start, 0)]
	}
	return value
}

// fillLineItem fills p.item for a comment or retry line; the caller
// completes and emits it.
func (p *Parser) fillLineItem(kind ItemKind, withTerm []byte, lineOff, lineRead, full, read int64, limit int) {
	raw := withTerm
	if len(raw) > limit {
		raw = raw[:limit]
	}
	size := full + 1
	p.item = Item{
		Kind:      kind,
		Raw:       raw,
		Offset:    lineOff,
		Size:      size,
		FirstRead: lineRead,
		LastRead:  read,
		Truncated: size > int64(limit),
	}
}

func (p *Parser) emitEvent(raw []byte, size, read int64, limit int, emit func(*Item)) {
	data := p.data
	if n := len(data); n > 0 && data[n-1] == '\n' {
		data = data[:n-1]
	}
	typ := p.typ
	if typ == "" {
		typ = "message"
	}
	p.item = Item{
		Kind:      ItemEvent,
		Type:      typ,
		Data:      data,
		ID:        p.lastID,
		Raw:       raw,
		Offset:    p.blockOff,
		Size:      size,
		FirstRead: p.blockRead,
		LastRead:  read,
		Truncated: size > int64(limit),
	}
	emit(&p.item)
}

// text returns src decoded. Valid input, the common case, is returned as
// is; only input that needs replacements is copied, into a reused buffer.
func (p *Parser) text(src []byte) []byte {
	if utf8.Valid(src) {
		return src
	}
	p.scratch = appendReplacing(p.scratch[:0], src)
	return p.scratch
}

// setType sets the event type buffer. Event types repeat, so they are
// interned: the lookup with a converted key does not allocate.
func (p *Parser) setType(value []byte) {
	t := p.text(value)
	switch string(t) {
	case "":
		p.typ = ""
		return
	case "message":
		p.typ = "message"
		return
	}
	if s, ok := p.types[string(t)]; ok {
		p.typ = s
		return
	}
	s := string(t)
	if p.types == nil {
		p.types = make(map[string]string)
	}
	if len(p.types) >= maxInternedTypes {
		clear(p.types)
	}
	if len(s) <= 256 {
		p.types[s] = s
	}
	p.typ = s
}

// field is what a line is, by its name.
type field uint8

const (
	fieldUnknown field = iota
	fieldComment
	fieldData
	fieldEvent
	fieldID
	fieldRetry
)

// splitLine classifies a non-empty line and returns its value: the bytes
// after the first colon without one leading space, or, for a comment, all
// bytes after the colon.
func splitLine(ln []byte) (field, []byte) {
	if len(ln) > 0 && ln[0] == ':' {
		return fieldComment, ln[1:]
	}
	name, value := ln, []byte(nil)
	if c := bytes.IndexByte(ln, ':'); c >= 0 {
		name, value = ln[:c], ln[c+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	}
	switch string(name) {
	case "data":
		return fieldData, value
	case "event":
		return fieldEvent, value
	case "id":
		return fieldID, value
	case "retry":
		return fieldRetry, value
	}
	return fieldUnknown, value
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// maxMillis is the largest reconnection time in milliseconds that a
// time.Duration can hold.
const maxMillis = math.MaxInt64 / int64(time.Millisecond)

// parseMillis continues the number ms with more ASCII digits. A value
// beyond maxMillis gives -1, and -1 stays -1: browsers ignore a retry
// value they cannot represent, and so does the parser.
func parseMillis(ms int64, digits []byte) int64 {
	for _, c := range digits {
		if ms < 0 {
			return -1
		}
		ms = ms*10 + int64(c-'0')
		if ms > maxMillis {
			return -1
		}
	}
	return ms
}

func appendCapped(dst, src []byte, limit int) []byte {
	room := limit - len(dst)
	if room <= 0 {
		return dst
	}
	if len(src) > room {
		src = src[:room]
	}
	return append(dst, src...)
}

// DecodeBlock parses one complete raw event block, as found in Item.Raw,
// and returns the type and data it dispatches; ok is false when it
// dispatches nothing. Parsing stops at the first blank line. A block
// without one is taken to be truncated: its end counts as the end of its
// last line and as the dispatching blank line.
//
// For every ItemEvent, DecodeBlock(Raw) yields the item's Type and Data.
// For a truncated item only Data is guaranteed to match: the lines that set
// the type, or the data lines that made the block dispatch, may lie beyond
// the kept bytes.
func DecodeBlock(raw []byte) (typ, data string, ok bool) {
	var buf []byte
	for len(raw) > 0 {
		var ln []byte
		if end := bytes.IndexAny(raw, "\r\n"); end < 0 {
			ln, raw = raw, nil
		} else {
			ln = raw[:end]
			if raw[end] == '\r' && end+1 < len(raw) && raw[end+1] == '\n' {
				raw = raw[end+2:]
			} else {
				raw = raw[end+1:]
			}
		}
		if len(ln) == 0 {
			break
		}
		switch f, value := splitLine(ln); f {
		case fieldData:
			ok = true
			buf = appendText(buf, value)
			buf = append(buf, '\n')
		case fieldEvent:
			typ = string(appendText(nil, value))
		}
	}
	if !ok {
		return "", "", false
	}
	if typ == "" {
		typ = "message"
	}
	return typ, string(buf[:len(buf)-1]), true
}
