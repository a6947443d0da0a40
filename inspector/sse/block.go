package sse

import "bytes"

// Blocks and lines: how the parser keeps the bytes of the event being
// read and of its current line, within the size limit.

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
