package inspector

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"strings"
	"time"
)

// wireReader sits directly on a response body and notes when each network
// read returned and how many bytes it carried. Timing is taken here, before
// any content decoding, because a decoder may hold bytes back or release
// them in different pieces than the network delivered them.
type wireReader struct {
	r io.Reader
	// onRead is called after every read that carried bytes (the read
	// timeout's watchdog is reset there).
	onRead func()

	total  int64     // bytes read so far
	lastAt time.Time // when the latest read carrying bytes returned
	err    error     // the first error the body returned
}

func (w *wireReader) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if n > 0 {
		w.lastAt = time.Now()
		w.total += int64(n)
		if w.onRead != nil {
			w.onRead()
		}
	}
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

// decodingReader undoes a response's Content-Encoding. The decoder is made
// on the first Read, because making a gzip reader already reads the
// header from the network; doing that lazily keeps every network wait
// inside the body loop, where the read timeout and cancellation apply.
type decodingReader struct {
	encoding string
	wire     io.Reader
	dec      io.Reader
}

// newBodyReader returns a reader of the decoded body for the given
// Content-Encoding, or an error for an encoding the subscriber did not
// offer in its Accept-Encoding.
func newBodyReader(contentEncoding string, wire io.Reader) (io.Reader, error) {
	return NewDecoder(contentEncoding, wire)
}

// NewDecoder is the one content decoder, used by the subscriber and the
// tap: it returns a reader of body with its Content-Encoding undone.
// Identity (or none) returns body itself; gzip, x-gzip and deflate (zlib-
// wrapped or raw, told apart by the zlib header check) return a reader
// that makes its decompressor on the first Read, so every wait on the
// network happens inside the caller's read loop. Any other encoding is an
// error: only gzip and deflate are offered in Accept-Encoding.
func NewDecoder(contentEncoding string, body io.Reader) (io.Reader, error) {
	enc := strings.ToLower(strings.TrimSpace(contentEncoding))
	switch {
	case IsIdentityEncoding(enc):
		return body, nil
	case CanDecode(enc):
		return &decodingReader{encoding: enc, wire: body}, nil
	}
	return nil, fmt.Errorf("unsupported Content-Encoding %q (only gzip and deflate were offered)", contentEncoding)
}

// IsIdentityEncoding reports whether a Content-Encoding leaves the body
// as it is (none, or "identity").
func IsIdentityEncoding(contentEncoding string) bool {
	enc := strings.ToLower(strings.TrimSpace(contentEncoding))
	return enc == "" || enc == "identity"
}

// CanDecode reports whether NewDecoder undoes a Content-Encoding.
func CanDecode(contentEncoding string) bool {
	switch strings.ToLower(strings.TrimSpace(contentEncoding)) {
	case "gzip", "x-gzip", "deflate":
		return true
	}
	return false
}

func (d *decodingReader) Read(p []byte) (int, error) {
	if d.dec == nil {
		dec, err := d.open()
		if err != nil {
			return 0, err
		}
		d.dec = dec
	}
	return d.dec.Read(p)
}

func (d *decodingReader) open() (io.Reader, error) {
	if d.encoding != "deflate" {
		zr, err := gzip.NewReader(d.wire)
		if err != nil {
			return nil, fmt.Errorf("gzip body: %w", err)
		}
		return zr, nil
	}
	// HTTP's "deflate" is meant to be zlib-wrapped, but enough servers send
	// a raw deflate stream that browsers accept both; so do we.
	br := bufio.NewReader(d.wire)
	hdr, err := br.Peek(2)
	if err != nil {
		return nil, fmt.Errorf("deflate body: %w", err)
	}
	if isZlibHeader(hdr) {
		zr, err := zlib.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("deflate body: %w", err)
		}
		return zr, nil
	}
	return flate.NewReader(br), nil
}

// isZlibHeader reports whether two bytes form a zlib header using the
// deflate method (RFC 1950: CM=8 and the check bits make a multiple of 31).
func isZlibHeader(b []byte) bool {
	return b[0]&0x0f == 8 && (uint16(b[0])<<8|uint16(b[1]))%31 == 0
}
