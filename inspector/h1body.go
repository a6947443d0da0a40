package inspector

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
)

// framing says how an HTTP/1.x response body is delimited.
type framing uint8

const (
	framingLength  framing = iota // Content-Length bytes (0 for bodiless responses)
	framingChunked                // Transfer-Encoding: chunked
	framingClose                  // until the server closes the connection
)

// chunkState is where a chunked body's decoder stands.
type chunkState uint8

const (
	chunkSize    chunkState = iota // before a chunk-size line
	chunkData                      // inside a chunk's data
	chunkDataEnd                   // before the CRLF that ends a chunk's data
	chunkTrailer                   // in the trailer section, after the last chunk
	chunkDone                      // after the trailer's empty line
)

// maxFramingLine bounds a chunk-size line (extensions included) and a
// trailer line; Go's own chunked reader has the same limit.
const maxFramingLine = 4096

// errFramingLine is returned for a chunk-size or trailer line longer than
// maxFramingLine.
var errFramingLine = errors.New("chunked body: framing line longer than 4096 bytes")

// frameReader reads an HTTP/1.x response body off the connection's
// buffered reader and returns, from every Read, all the body bytes that
// have arrived, without waiting for a chunk or a line to complete. Go's
// own chunked reader keeps reading when a network read ends inside a
// chunk, so a complete event can wait there for the next chunk; this
// reader makes at most one network read per Read, and only when nothing
// that arrived is left to return.
//
// It is not safe for concurrent use, except that Close may be called
// while a Read blocks.
type frameReader struct {
	br        *bufio.Reader
	mode      framing
	remaining int64 // framingLength: bytes left; framingChunked: bytes left in the chunk
	state     chunkState
	trailer   http.Header // receives trailer fields; may be nil
	err       error       // sticky: io.EOF at a clean end
}

// newFrameReader returns a reader of a body framed by mode; length is the
// Content-Length for framingLength.
func newFrameReader(br *bufio.Reader, mode framing, length int64, trailer http.Header) *frameReader {
	r := &frameReader{br: br, mode: mode, remaining: length, trailer: trailer}
	if mode == framingLength && length <= 0 {
		r.err = io.EOF
	}
	return r
}

// complete reports whether the body was read to its framed end, so that
// the connection is at the next response's first byte.
func (r *frameReader) complete() bool { return r.err == io.EOF && r.mode != framingClose }

func (r *frameReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, r.err
	}
	for {
		n := r.drain(p)
		if n > 0 || r.err != nil {
			return n, r.errAfter(n)
		}
		n, err := r.readNetwork(p)
		if n > 0 {
			n += r.drain(p[n:])
		}
		if err != nil && r.err == nil {
			r.err = r.endError(err)
		}
		if n > 0 || r.err != nil {
			return n, r.errAfter(n)
		}
	}
}

// errAfter is the error to return with n bytes: EOF only once no bytes
// are returned with it, so a caller sees the data before the end.
func (r *frameReader) errAfter(n int) error {
	if n > 0 && r.err == io.EOF {
		return nil
	}
	return r.err
}

// readNetwork makes exactly one read from the network. Inside data with
// nothing buffered it reads straight into p (bounded by what the frame
// has left); otherwise it fills the buffer, to be parsed by drain.
func (r *frameReader) readNetwork(p []byte) (int, error) {
	if r.inData() && r.br.Buffered() == 0 {
		if r.mode != framingClose && int64(len(p)) > r.remaining {
			p = p[:r.remaining]
		}
		n, err := r.br.Read(p)
		r.consumed(n)
		return n, err
	}
	if r.br.Buffered() >= r.br.Size() {
		return 0, errFramingLine
	}
	_, err := r.br.Peek(r.br.Buffered() + 1)
	if errors.Is(err, bufio.ErrBufferFull) {
		return 0, errFramingLine
	}
	return 0, err
}

// endError maps a network error to the body's error: the end of the
// connection is the body's clean end only for a close-delimited body.
func (r *frameReader) endError(err error) error {
	if err == io.EOF && r.mode != framingClose {
		return io.ErrUnexpectedEOF
	}
	return err
}

func (r *frameReader) inData() bool {
	return r.mode != framingChunked || r.state == chunkData
}

// consumed accounts for n data bytes taken out of the current frame.
func (r *frameReader) consumed(n int) {
	if r.mode == framingClose {
		return
	}
	r.remaining -= int64(n)
	if r.remaining > 0 {
		return
	}
	if r.mode == framingLength {
		r.err = io.EOF
	} else {
		r.state = chunkDataEnd
	}
}

// drain moves body bytes that are already buffered into p, decoding
// framing on the way, and never reads the network. It returns the number
// of bytes written to p; r.err is set when the framing is bad or the body
// ended.
func (r *frameReader) drain(p []byte) int {
	n := 0
	for r.err == nil && r.br.Buffered() > 0 {
		if r.inData() {
			if n == len(p) {
				break
			}
			k := min(len(p)-n, r.br.Buffered())
			if r.mode != framingClose && int64(k) > r.remaining {
				k = int(r.remaining)
			}
			m, _ := r.br.Read(p[n : n+k]) // buffered: copies, never blocks
			n += m
			r.consumed(m)
			continue
		}
		if !r.framingStep() {
			break
		}
	}
	return n
}

// framingStep decodes one piece of chunked framing from the buffer. It
// reports false when the piece has not fully arrived.
func (r *frameReader) framingStep() bool {
	switch r.state {
	case chunkDataEnd:
		buf, _ := r.br.Peek(min(2, r.br.Buffered()))
		switch {
		case len(buf) >= 1 && buf[0] == '\n':
			r.br.Discard(1) // a bare LF, which lenient servers send
		case len(buf) < 2:
			return false
		case buf[0] == '\r' && buf[1] == '\n':
			r.br.Discard(2)
		default:
			r.err = fmt.Errorf("chunked body: chunk data not followed by CRLF (got %q)", buf)
			return false
		}
		r.state = chunkSize
		return true
	case chunkSize, chunkTrailer:
		line, ok := r.line()
		if !ok {
			return false
		}
		if r.state == chunkSize {
			r.sizeLine(line)
		} else {
			r.trailerLine(line)
		}
		return r.err == nil
	}
	return false
}

// line returns the next complete line in the buffer without its line
// ending, consuming it, or false if it has not fully arrived.
func (r *frameReader) line() (string, bool) {
	buf, _ := r.br.Peek(r.br.Buffered())
	i := bytes.IndexByte(buf, '\n')
	if i < 0 {
		if len(buf) >= maxFramingLine {
			r.err = errFramingLine
		}
		return "", false
	}
	if i >= maxFramingLine {
		r.err = errFramingLine
		return "", false
	}
	line := string(bytes.TrimRight(buf[:i], "\r"))
	r.br.Discard(i + 1)
	return line, true
}

// sizeLine parses a chunk-size line: hex size, then optional extensions
// after ';', which are ignored.
func (r *frameReader) sizeLine(line string) {
	size, _, _ := strings.Cut(line, ";")
	size = strings.TrimSpace(size)
	n, err := strconv.ParseUint(size, 16, 63)
	if err != nil || size == "" {
		r.err = fmt.Errorf("chunked body: bad chunk size line %q", line)
		return
	}
	if n == 0 {
		r.state = chunkTrailer
		return
	}
	r.remaining, r.state = int64(n), chunkData
}

// trailerLine takes one trailer field, or ends the body on the empty line.
func (r *frameReader) trailerLine(line string) {
	if line == "" {
		r.state, r.err = chunkDone, io.EOF
		return
	}
	k, v, ok := strings.Cut(line, ":")
	if !ok {
		r.err = fmt.Errorf("chunked body: bad trailer line %q", line)
		return
	}
	if r.trailer != nil {
		r.trailer.Add(textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(k)), strings.TrimSpace(v))
	}
}
