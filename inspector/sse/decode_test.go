package sse

import "testing"

func TestDecodeBlock(t *testing.T) {
	tests := []struct {
		raw, typ, data string
		ok             bool
	}{
		{"data: a\n\n", "message", "a", true},
		{"event: x\ndata: a\ndata: b\r\n\r", "x", "a\nb", true},
		{"id: 1\n\n", "", "", false},
		{": c\n\n", "", "", false},
		{"data: a\n\ndata: b\n\n", "message", "a", true}, // stops at the first blank line
		{"data: trunc", "message", "trunc", true},        // the end counts as a line end
		{"data: a\r", "message", "a", true},
		{"event: late", "", "", false},
		{"data: \xE2\x82\x41\n\n", "message", "\uFFFDA", true},
		{"", "", "", false},
	}
	for _, tt := range tests {
		typ, data, ok := DecodeBlock([]byte(tt.raw))
		if typ != tt.typ || data != tt.data || ok != tt.ok {
			t.Errorf("DecodeBlock(%q) = %q, %q, %v; want %q, %q, %v", tt.raw, typ, data, ok, tt.typ, tt.data, tt.ok)
		}
	}
}

func TestAppendText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"abc", "abc"},
		{"é€😀", "é€😀"},
		{"\xE2\x82\x41", "\uFFFDA"},
		{"\xC0\x80", "\uFFFD\uFFFD"},
		{"\xC1\xBF", "\uFFFD\uFFFD"},
		{"\xED\xA0\x80", "\uFFFD\uFFFD\uFFFD"},
		{"\xED\x9F\xBF", "\uD7FF"},
		{"\xE0\x80\x80", "\uFFFD\uFFFD\uFFFD"},
		{"\xE0\xA0\x80", "\u0800"},
		{"\xF0\x8F\xBF\xBF", "\uFFFD\uFFFD\uFFFD\uFFFD"},
		{"\xF0\x90\x80\x80", "\U00010000"},
		{"\xF4\x8F\xBF\xBF", "\U0010FFFF"},
		{"\xF4\x90\x80\x80", "\uFFFD\uFFFD\uFFFD\uFFFD"},
		{"\xF5\x80", "\uFFFD\uFFFD"},
		{"\xFF", "\uFFFD"},
		{"\x80\x80", "\uFFFD\uFFFD"},
		{"\xF0\x9F\x98", "\uFFFD"},
		{"\xF0\x9F\x98A", "\uFFFDA"},
		{"\xF0\x9F\xE2\x82\xAC", "\uFFFD€"},
		{"a\xE2\x82", "a\uFFFD"},
		{"\xEF\xBB\xBF", "\uFEFF"},
	}
	for _, tt := range tests {
		if got := string(appendText(nil, []byte(tt.in))); got != tt.want {
			t.Errorf("appendText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
