package sse

import "bytes"

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
//
// It is the parser's hot loop and stays one function on purpose, longer
// than the others: it scans a read for line ends with bytes.IndexByte and
// hands each whole line to handleLine without copying, and splitting the
// scan into calls would cost a call per line on every event and spread
// the state of a line cut across reads over several functions.
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
