package inspector

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"io"
	"strings"
	"testing"
)

func TestNewDecoder(t *testing.T) {
	const text = "data: decoded\n\n"
	compress := map[string]func(io.Writer) io.WriteCloser{
		"gzip":           func(w io.Writer) io.WriteCloser { return gzip.NewWriter(w) },
		"x-gzip":         func(w io.Writer) io.WriteCloser { return gzip.NewWriter(w) },
		"deflate (zlib)": func(w io.Writer) io.WriteCloser { return zlib.NewWriter(w) },
		"deflate (raw)": func(w io.Writer) io.WriteCloser {
			fw, _ := flate.NewWriter(w, flate.DefaultCompression)
			return fw
		},
	}
	for name, newWriter := range compress {
		var body bytes.Buffer
		zw := newWriter(&body)
		io.WriteString(zw, text)
		zw.Close()
		enc, _, _ := strings.Cut(name, " ")
		r, err := NewDecoder(" "+strings.ToUpper(enc)+" ", &body)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got, err := io.ReadAll(r); err != nil || string(got) != text {
			t.Errorf("%s: decoded %q, %v", name, got, err)
		}
	}
	plain := strings.NewReader(text)
	if r, err := NewDecoder("identity", plain); err != nil || r != io.Reader(plain) {
		t.Errorf("identity: %v, %v; want the body itself", r, err)
	}
	if _, err := NewDecoder("br", plain); err == nil || !strings.Contains(err.Error(), `"br"`) {
		t.Errorf("br: %v, want an error naming it", err)
	}
	// A gzip header that is not one fails on the first Read, with context.
	r, _ := NewDecoder("gzip", strings.NewReader("not gzip at all"))
	if _, err := io.ReadAll(r); err == nil || !strings.Contains(err.Error(), "gzip body") {
		t.Errorf("bad gzip: %v", err)
	}
}
