package inspector

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
	"testing"
)

// piecesReader returns one piece per Read, as a network returns reads.
type piecesReader struct{ pieces [][]byte }

func (r *piecesReader) Read(p []byte) (int, error) {
	if len(r.pieces) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.pieces[0])
	if n == len(r.pieces[0]) {
		r.pieces = r.pieces[1:]
	} else {
		r.pieces[0] = r.pieces[0][n:]
	}
	return n, nil
}

// split cuts b at the given offsets (each taken modulo what is left).
func split(b []byte, cuts []byte) [][]byte {
	var out [][]byte
	for _, c := range cuts {
		if len(b) == 0 {
			break
		}
		n := 1 + int(c)%len(b)
		out = append(out, b[:n])
		b = b[n:]
	}
	if len(b) > 0 {
		out = append(out, b)
	}
	return out
}

// chunked frames body in chunks of the given sizes (cycled), with an
// extension on every other chunk, then the last chunk and a trailer.
func chunked(body, sizes []byte) []byte {
	var out bytes.Buffer
	for i := 0; len(body) > 0; i++ {
		n := len(body)
		if len(sizes) > 0 {
			n = min(n, 1+int(sizes[i%len(sizes)]))
		}
		out.WriteString(strconv.FormatInt(int64(n), 16))
		if i%2 == 1 {
			out.WriteString(";ext=1")
		}
		out.WriteString("\r\n")
		out.Write(body[:n])
		out.WriteString("\r\n")
		body = body[n:]
	}
	out.WriteString("0\r\nX-T: v\r\n\r\n")
	return out.Bytes()
}

// FuzzFrameReader checks that any chunking of a body, split into network
// reads anywhere, decodes to the body and ends cleanly, and that
// arbitrary bytes never make the reader panic or loop.
func FuzzFrameReader(f *testing.F) {
	f.Add([]byte("data: one-0\n\n"), []byte{12}, []byte{3, 17})
	f.Add([]byte("data: h\xc3\xa9\n\n"), []byte{7, 1}, []byte{1, 1, 1, 1})
	f.Add([]byte("d\r\ndata: x\r\n\r\n0\r\n\r\n"), []byte{}, []byte{})
	f.Fuzz(func(t *testing.T, body, sizes, cuts []byte) {
		wire := chunked(body, sizes)
		pieces := split(wire, cuts)
		fr := newFrameReader(bufio.NewReaderSize(&piecesReader{pieces: pieces}, 4096), framingChunked, 0, nil)
		got, err := io.ReadAll(fr)
		if err != nil || !bytes.Equal(got, body) || !fr.complete() {
			t.Fatalf("decoded %q, %v (complete %v); want %q", got, err, fr.complete(), body)
		}
		// Arbitrary input: an error or an end, never a panic or a hang.
		fr = newFrameReader(bufio.NewReaderSize(&piecesReader{pieces: split(body, cuts)}, 4096), framingChunked, 0, nil)
		for range len(body) + 2 {
			if _, err := fr.Read(make([]byte, 64)); err != nil {
				if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) || fr.err != nil {
					return
				}
			}
		}
	})
}
