package inspector

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestParseHeader(t *testing.T) {
	for _, tc := range []struct {
		in          string
		name, value string
		err         string
	}{
		{in: "Authorization: Bearer x", name: "Authorization", value: "Bearer x"},
		{in: "  X-Empty:  ", name: "X-Empty", value: ""},
		{in: "X-Colon: a:b", name: "X-Colon", value: "a:b"},
		{in: "no colon", err: `want "Name: value"`},
		{in: ": value", err: "no name"},
		{in: "Bad Name: v", err: "not a valid header name"},
		{in: "X-Bad: a\r\nInjected: b", err: "control character"},
		{in: "X-Nul: a\x00b", err: "control character"},
	} {
		name, value, err := ParseHeader(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseHeader(%q) error = %v, want one containing %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || name != tc.name || value != tc.value {
			t.Errorf("ParseHeader(%q) = %q, %q, %v; want %q, %q", tc.in, name, value, err, tc.name, tc.value)
		}
	}
}

func TestParseHeaderLines(t *testing.T) {
	h, err := ParseHeaderLines("A: 1\r\n\n  \nb: 2\nA: 3")
	if err != nil {
		t.Fatal(err)
	}
	want := http.Header{"A": {"1", "3"}, "B": {"2"}}
	if !reflect.DeepEqual(h, want) {
		t.Errorf("got %v, want %v", h, want)
	}
	if _, err := ParseHeaderLines("A: 1\nbroken"); err == nil {
		t.Error("a line without a colon was accepted")
	}
}
