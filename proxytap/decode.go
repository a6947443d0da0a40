package proxytap

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"io"
)

// decoder undoes a gzip or deflate Content-Encoding on the recording side
// only: the browser gets the compressed bytes untouched, the parser gets a
// decoded copy.
//
// The standard decompressors pull their input, while the tap pushes one
// read at a time and must know which decoded bytes each read produced. So
// the decompressor runs on its own goroutine, reading from a source that
// hands over one pushed chunk and reports the chunk consumed only when the
// decompressor asks for more: by then it has emitted everything that chunk
// let it decode. Write blocks until then, so emissions always run while the
// pushing goroutine waits, never concurrently with it.
type decoder struct {
	in       chan []byte
	consumed chan struct{}
	done     chan struct{}
	emit     func([]byte)

	cur     []byte
	started bool
	err     error
}

// decodeBuffer bounds one emission, and with it the decoder's own buffer.
const decodeBuffer = 16 << 10

func newDecoder(encoding string, emit func([]byte)) *decoder {
	d := &decoder{in: make(chan []byte), consumed: make(chan struct{}), done: make(chan struct{}), emit: emit}
	go d.run(encoding)
	return d
}

func (d *decoder) run(encoding string) {
	defer close(d.done)
	var zr io.Reader
	switch encoding {
	case "gzip", "x-gzip":
		r, err := gzip.NewReader(d)
		if err != nil {
			d.err = err
			return
		}
		zr = r
	default:
		// "deflate" is meant to be zlib-wrapped, but some servers send raw
		// deflate; the zlib header tells them apart.
		br := bufio.NewReaderSize(d, 512)
		hdr, err := br.Peek(2)
		if err != nil {
			d.err = err
			return
		}
		if hdr[0]&0x0f == 8 && (uint(hdr[0])<<8|uint(hdr[1]))%31 == 0 {
			r, err := zlib.NewReader(br)
			if err != nil {
				d.err = err
				return
			}
			zr = r
		} else {
			zr = flate.NewReader(br)
		}
	}
	buf := make([]byte, decodeBuffer)
	for {
		n, err := zr.Read(buf)
		if n > 0 {
			d.emit(buf[:n])
		}
		if err != nil {
			d.err = err
			return
		}
	}
}

// Read is the decompressor's source.
func (d *decoder) Read(p []byte) (int, error) {
	for len(d.cur) == 0 {
		if d.started {
			d.consumed <- struct{}{}
		}
		chunk, ok := <-d.in
		if !ok {
			return 0, io.EOF
		}
		d.cur, d.started = chunk, true
	}
	n := copy(p, d.cur)
	d.cur = d.cur[n:]
	return n, nil
}

// Write pushes one read's bytes and returns once they are decoded as far as
// possible. p is not retained.
func (d *decoder) Write(p []byte) {
	if len(p) == 0 {
		return
	}
	select {
	case d.in <- p:
	case <-d.done:
		return
	}
	select {
	case <-d.consumed:
	case <-d.done:
	}
}

// Close ends the input and waits for the decoder to finish.
func (d *decoder) Close() {
	close(d.in)
	<-d.done
}
