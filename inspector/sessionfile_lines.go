package inspector

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Session files are read one line at a time. An event line longer than
// the read buffer is reduced while it is read to its fields before the raw
// block and the block's first bytes, enough for the per-event cap to
// truncate and flag it as live capture would; the fields after the block
// (type and data, for people) are skipped, as loading re-derives them.
// Any other line is held whole up to maxLineFor(maxEvent) bytes. So
// loading holds one line of at most about MaxEventSize plus the read
// buffer besides what the lanes keep under their caps.

// maxLineFor is the longest line held whole: an event at the cap, twice
// (raw and data), plus room for the other fields.
func maxLineFor(maxEvent int) int { return 2*maxEvent + 1<<20 }

// errLongLine is returned for an over-long line that is not an event
// record with a raw block.
var errLongLine = errors.New("line too long for a record other than an event's raw block")

// readLine returns the next line, newline included, like
// bufio.Reader.ReadBytes('\n'), reducing an over-long event line.
func readLine(br *bufio.Reader, maxEvent int) ([]byte, error) {
	maxLine := maxLineFor(maxEvent)
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if err == nil || !errors.Is(err, bufio.ErrBufferFull) {
			return line, err
		}
		// A line longer than the buffer: an event's raw block is read
		// piecewise, anything else is held up to maxLine.
		if isEventHead(line) {
			return reduceEventLine(br, line, maxEvent)
		}
		if len(line) > maxLine {
			return nil, errLongLine
		}
	}
}

// isEventHead reports whether line starts an event record and has reached
// its raw block.
func isEventHead(line []byte) bool {
	if !bytes.HasPrefix(line, []byte(`{"rec":"event",`)) {
		return false
	}
	for _, k := range rawKeys {
		if bytes.Contains(line, k) {
			return true
		}
	}
	return false
}

// rawKeys introduce an event's raw block, in the order WriteSession
// writes the fields: everything before them is small.
var rawKeys = [][]byte{[]byte(`,"raw":"`), []byte(`,"raw64":"`)}

// reduceEventLine reads the rest of an over-long event line, of which
// head was read, and returns it rewritten as the same record with only
// the raw block's first bytes (and without the fields after it).
func reduceEventLine(br *bufio.Reader, head []byte, maxEvent int) ([]byte, error) {
	if !bytes.HasPrefix(head, []byte(`{"rec":"event",`)) {
		return nil, errLongLine
	}
	at, key := -1, []byte(nil)
	for _, k := range rawKeys {
		if i := bytes.Index(head, k); i >= 0 && (at < 0 || i < at) {
			at, key = i, k
		}
	}
	if at < 0 {
		return nil, errLongLine
	}
	// keep: how much escaped text to keep. Every character and escape
	// decodes to at least one byte, so maxEvent+1 of them exceed the cap;
	// base64 needs four characters per three bytes.
	keep := maxEvent + 1
	if bytes.Contains(key, []byte("raw64")) {
		keep = 4 * ((maxEvent + 3) / 3)
	}
	out := make([]byte, 0, at+len(key)+keep+8)
	out = append(out, head[:at+len(key)]...)
	s := stringScanner{keep: keep}
	out = s.scan(out, head[at+len(key):])
	for !s.ended {
		chunk, err := br.ReadSlice('\n')
		out = s.scan(out, chunk)
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("event record: %w", unexpected(err))
		}
	}
	// Skip the fields after the block (type and data) to the line's end.
	for !s.lineEnd {
		chunk, err := br.ReadSlice('\n')
		s.lineEnd = len(chunk) > 0 && chunk[len(chunk)-1] == '\n'
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("event record: %w", unexpected(err))
		}
	}
	return append(out, "\"}\n"...), nil
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// stringScanner walks the escaped text of a JSON string, copying its
// first keep characters (never splitting an escape or a UTF-8 sequence)
// and finding its closing quote.
type stringScanner struct {
	keep    int
	kept    int
	stopped bool // keep characters were copied
	escape  int  // bytes of an escape still to come (\uXXXX: 5 after the backslash)
	ended   bool // the closing quote was found
	lineEnd bool // the line's newline came in the same piece as the quote
}

func (s *stringScanner) scan(out, p []byte) []byte {
	for i, c := range p {
		if s.escape > 0 {
			if s.escape == 5 && c != 'u' {
				s.escape = 1 // a one-letter escape
			}
			s.escape--
			if !s.stopped {
				out = append(out, c)
				if s.escape == 0 {
					s.kept++
				}
			}
			continue
		}
		if c == '"' {
			s.ended = true
			s.lineEnd = bytes.IndexByte(p[i:], '\n') >= 0
			return out
		}
		if s.kept >= s.keep && c&0xC0 != 0x80 {
			s.stopped = true
		}
		if c == '\\' {
			s.escape = 5
		}
		if !s.stopped {
			out = append(out, c)
			if c != '\\' {
				s.kept++
			}
		}
	}
	return out
}
