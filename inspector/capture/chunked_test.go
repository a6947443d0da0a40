package capture

import (
	"bytes"
	"testing"
)

// decodeAll decodes a chunked body fed in pieces of the given sizes.
func decodeAll(body []byte, sizes []int) (payload []byte, used int, done bool, err error) {
	var c chunkedDecoder
	for len(body) > 0 && !c.done {
		n := len(body)
		if len(sizes) > 0 {
			n = min(max(sizes[0], 1), len(body))
			sizes = sizes[1:]
		}
		var k int
		payload, k, err = c.decode(body[:n], payload)
		used += k
		if err != nil {
			return payload, used, c.done, err
		}
		body = body[k:]
		if k < n {
			break
		}
	}
	return payload, used, c.done, nil
}

func TestChunkedDecoder(t *testing.T) {
	tests := []struct {
		body, payload string
		used          int
		err           bool
	}{
		{"5\r\nhello\r\n0\r\n\r\nNEXT", "hello", 15, false},
		{"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n", "hello world", 44, false},
		{"A\nabcdefghij\n0\n\n", "abcdefghij", 16, false},
		{"zz\r\n", "", 0, true},
		{"5\r\nhelloXX0\r\n\r\n", "hello", 0, true},
	}
	for _, tt := range tests {
		got, used, _, err := decodeAll([]byte(tt.body), nil)
		if (err != nil) != tt.err || string(got) != tt.payload || (!tt.err && used != tt.used) {
			t.Errorf("%q: payload %q used %d err %v", tt.body, got, used, err)
		}
	}
}

// FuzzChunkedSplits checks that any split of a body decodes as the whole.
func FuzzChunkedSplits(f *testing.F) {
	f.Add([]byte("5\r\nhello\r\n0\r\n\r\n"), []byte{1, 2, 3})
	f.Add([]byte("1a\r\nid: 1\ndata: abcdefghijkl\n\n\r\n0\r\n\r\n"), []byte{4})
	f.Fuzz(func(t *testing.T, body []byte, splits []byte) {
		whole, wu, wd, werr := decodeAll(body, nil)
		sizes := make([]int, len(splits))
		for i, s := range splits {
			sizes[i] = int(s)
		}
		parts, pu, pd, perr := decodeAll(body, sizes)
		if (werr != nil) != (perr != nil) || !bytes.Equal(whole, parts) || wd != pd || (werr == nil && wu != pu) {
			t.Fatalf("whole %q/%d/%v/%v, split %q/%d/%v/%v", whole, wu, wd, werr, parts, pu, pd, perr)
		}
	})
}
