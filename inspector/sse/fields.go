package sse

import (
	"bytes"
	"math"
	"time"
	"unicode/utf8"
)

// Fields: what each line of a block means, and the items it makes.

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
