package proxytap

import (
	"io"

	"github.com/sseinspector/sseinspector/inspector"
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
	// The one decoder (and its zlib-or-raw deflate check) is inspector's;
	// it reads its header through d on the first Read.
	zr, err := inspector.NewDecoder(encoding, d)
	if err != nil {
		d.err = err
		return
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
