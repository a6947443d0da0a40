package gui

import (
	"strings"
	"testing"
)

func TestParseArgs(t *testing.T) {
	a, err := ParseArgs([]string{"http://127.0.0.1:1/a", "-H", "X-A: 1", "http://127.0.0.1:1/b", "--retry", "1s"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Mode != "" || len(a.Requests) != 2 || a.Requests[1].URL != "http://127.0.0.1:1/b" ||
		a.Requests[0].Header.Get("X-A") != "1" || a.Requests[0].Retry.String() != "1s" {
		t.Errorf("parsed %+v", a)
	}
	if a, err := ParseArgs([]string{"open", "s.ssei"}); err != nil || a.Mode != "open" || a.Session != "s.ssei" {
		t.Errorf("open: %+v, %v", a, err)
	}
	if a, err := ParseArgs([]string{"demo", "--help"}); err != nil || !a.Help {
		t.Errorf("--help: %+v, %v", a, err)
	}
	for _, args := range [][]string{{"open"}, {"demo", "x"}, {"ftp://x/"}, {"-H", "bad", "http://127.0.0.1:1/"}, {"--bogus"}} {
		if _, err := ParseArgs(args); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
	if _, err := ParseArgs([]string{"gopher://x/"}); err == nil || !strings.Contains(err.Error(), "scheme") {
		t.Errorf("a bad URL's error does not say why: %v", err)
	}
}
