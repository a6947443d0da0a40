package capture

import (
	"fmt"
)

// chunkedDecoder undoes HTTP/1.1 chunked framing incrementally: it is fed
// the body as segments arrive and returns the payload bytes each one
// carried, so that each keeps its own time.
type chunkedDecoder struct {
	state   chunkState
	size    int64 // bytes left in the current chunk
	line    []byte
	done    bool
	invalid error
}

type chunkState int

const (
	chunkSize    chunkState = iota // reading the size line
	chunkData                      // reading chunk data
	chunkDataEnd                   // reading the CRLF after the data
	chunkTrailer                   // reading trailer lines after the last chunk
)

// maxChunkLine bounds a chunk-size or trailer line.
const maxChunkLine = 4096

// decode consumes b and appends the payload to out. It returns the payload,
// how many bytes of b belong to the body (the rest follows the body), and
// an error for invalid framing.
func (c *chunkedDecoder) decode(b, out []byte) ([]byte, int, error) {
	if c.invalid != nil {
		return out, 0, c.invalid
	}
	i := 0
	for i < len(b) && !c.done {
		switch c.state {
		case chunkData:
			n := int(min(int64(len(b)-i), c.size))
			out = append(out, b[i:i+n]...)
			i += n
			c.size -= int64(n)
			if c.size == 0 {
				c.state = chunkDataEnd
			}
		default:
			j := i
			for j < len(b) && b[j] != '\n' {
				j++
			}
			c.line = append(c.line, b[i:j]...)
			if len(c.line) > maxChunkLine {
				c.invalid = fmt.Errorf("chunk line longer than %d bytes", maxChunkLine)
				return out, i, c.invalid
			}
			if j == len(b) {
				i = j
				continue
			}
			i = j + 1
			if err := c.endLine(); err != nil {
				c.invalid = err
				return out, i, err
			}
		}
	}
	return out, i, nil
}

// endLine acts on a complete line.
func (c *chunkedDecoder) endLine() error {
	line := c.line
	c.line = c.line[:0]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	switch c.state {
	case chunkDataEnd:
		if len(line) != 0 {
			return fmt.Errorf("chunk data not followed by CRLF")
		}
		c.state = chunkSize
	case chunkSize:
		size, err := parseChunkSize(line)
		if err != nil {
			return err
		}
		if size == 0 {
			c.state = chunkTrailer
			return nil
		}
		c.size, c.state = size, chunkData
	case chunkTrailer:
		if len(line) == 0 {
			c.done = true
		}
	}
	return nil
}

// parseChunkSize reads a chunk-size line's hex size, ignoring extensions.
func parseChunkSize(line []byte) (int64, error) {
	var size int64
	digits := 0
	for _, ch := range line {
		var v byte
		switch {
		case ch >= '0' && ch <= '9':
			v = ch - '0'
		case ch >= 'a' && ch <= 'f':
			v = ch - 'a' + 10
		case ch >= 'A' && ch <= 'F':
			v = ch - 'A' + 10
		case ch == ';' || ch == ' ' || ch == '\t':
			if digits == 0 {
				return 0, fmt.Errorf("chunk size line %q has no size", line)
			}
			return size, nil
		default:
			return 0, fmt.Errorf("invalid chunk size line %q", line)
		}
		if digits++; digits > 15 {
			return 0, fmt.Errorf("chunk size %q too large", line)
		}
		size = size<<4 | int64(v)
	}
	if digits == 0 {
		return 0, fmt.Errorf("empty chunk size line")
	}
	return size, nil
}
