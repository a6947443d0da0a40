package capture

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
)

// pushDecoder undoes a Content-Encoding on a body fed segment by segment,
// returning with each segment the bytes it let the decoder produce, so that
// decoded events keep the time of the segment that completed them. Go's
// decompressors pull their input, so the decoder runs on its own goroutine
// and is handed one segment at a time; it reports back when it has used
// all it was given and asks for more.
type pushDecoder struct {
	in       chan []byte
	hungry   chan struct{}
	finished chan struct{}
	out      []byte // produced since the last feed; written by the decoder before it signals
	err      error
	closed   bool
}

// maxDecodedPerSegment bounds what one segment may decode to, so that a
// compression bomb cannot exhaust memory.
const maxDecodedPerSegment = 16 << 20

// newPushDecoder starts a decoder for "gzip", "x-gzip" or "deflate".
func newPushDecoder(encoding string) *pushDecoder {
	d := &pushDecoder{in: make(chan []byte), hungry: make(chan struct{}), finished: make(chan struct{})}
	go d.run(encoding)
	d.wait()
	return d
}

// feedReader is the decoder's input: the segments handed over.
type feedReader struct {
	d       *pushDecoder
	pending []byte
	eof     bool
}

func (f *feedReader) Read(p []byte) (int, error) {
	if f.eof {
		return 0, io.EOF
	}
	if len(f.pending) == 0 {
		f.d.hungry <- struct{}{}
		b, ok := <-f.d.in
		if !ok {
			f.eof = true
			return 0, io.EOF
		}
		f.pending = b
	}
	n := copy(p, f.pending)
	f.pending = f.pending[n:]
	return n, nil
}

// run decodes until the input ends or is invalid.
func (d *pushDecoder) run(encoding string) {
	defer close(d.finished)
	r, err := openDecoder(encoding, &feedReader{d: d})
	if err != nil {
		d.err = err
		return
	}
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if len(d.out)+n > maxDecodedPerSegment {
			d.err = fmt.Errorf("%s body: one segment decodes to more than %d bytes", encoding, maxDecodedPerSegment)
			return
		}
		d.out = append(d.out, buf[:n]...)
		if err == io.EOF {
			return
		}
		if err != nil {
			d.err = fmt.Errorf("%s body: %w", encoding, err)
			return
		}
	}
}

// openDecoder makes the decompressor; like browsers it takes "deflate" both
// zlib-wrapped (as specified) and raw (as many servers send it).
func openDecoder(encoding string, src io.Reader) (io.Reader, error) {
	if encoding != "deflate" {
		zr, err := gzip.NewReader(src)
		if err != nil {
			return nil, fmt.Errorf("gzip body: %w", err)
		}
		return zr, nil
	}
	br := bufio.NewReader(src)
	hdr, err := br.Peek(2)
	if err != nil {
		return nil, fmt.Errorf("deflate body: %w", err)
	}
	if hdr[0]&0x0f == 8 && (uint16(hdr[0])<<8|uint16(hdr[1]))%31 == 0 {
		zr, err := zlib.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("deflate body: %w", err)
		}
		return zr, nil
	}
	return flate.NewReader(br), nil
}

// wait waits until the decoder wants more input or has ended.
func (d *pushDecoder) wait() {
	select {
	case <-d.hungry:
	case <-d.finished:
	}
}

// feed hands over one segment's body bytes and returns what they decoded
// to. After an error it returns the error and decodes nothing more.
func (d *pushDecoder) feed(b []byte) ([]byte, error) {
	select {
	case <-d.finished:
		return nil, d.err
	default:
	}
	if len(b) == 0 {
		return nil, nil
	}
	d.in <- b
	d.wait()
	out := d.out
	d.out = nil
	return out, d.errIfFinished()
}

func (d *pushDecoder) errIfFinished() error {
	select {
	case <-d.finished:
		return d.err
	default:
		return nil
	}
}

// close ends the input and waits for the decoder to stop.
func (d *pushDecoder) close() {
	if d.closed {
		return
	}
	d.closed = true
	close(d.in)
	<-d.finished
}
