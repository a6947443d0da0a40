package main

import "testing"

func TestOpensWindow(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{nil, true},
		{[]string{"demo"}, true},
		{[]string{"open", "s.ndjson"}, true},
		{[]string{"http://127.0.0.1:9001/event"}, true},
		{[]string{"https://example.test/a", "https://example.test/b"}, true},
		{[]string{"-H", "X-A: 1", "http://127.0.0.1:9001/event"}, true},
		{[]string{"--help"}, false},
		{[]string{"watch", "http://127.0.0.1:9001/event"}, false},
		{[]string{"compare", "--demo"}, false},
	} {
		if got := opensWindow(tc.args); got != tc.want {
			t.Errorf("opensWindow(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}
