package cmdline

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func newSet(r *RequestFlags, s *SaveFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	r.Register(fs)
	s.Register(fs)
	return fs
}

func TestParseAcceptsFlagsAfterArguments(t *testing.T) {
	var r RequestFlags
	var s SaveFlags
	fs := newSet(&r, &s)
	d := fs.Duration("duration", 0, "")
	pos, err := Parse(fs, []string{"A", "-H", "X-A: 1", "B", "--duration", "1s", "--output", "f.ssei", "--", "--not-a-flag"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"A", "B", "--not-a-flag"}; !reflect.DeepEqual(pos, want) {
		t.Errorf("positional = %q, want %q", pos, want)
	}
	if *d != time.Second || s.Output != "f.ssei" || len(r.Headers) != 1 {
		t.Errorf("duration %v, output %q, headers %q", *d, s.Output, r.Headers)
	}
}

func TestShortAndLongShareAVariable(t *testing.T) {
	var r RequestFlags
	var s SaveFlags
	fs := newSet(&r, &s)
	if _, err := Parse(fs, []string{"-o", "a", "-X", "POST", "-d", "x", "-H", "A: 1", "--header", "B: 2"}); err != nil {
		t.Fatal(err)
	}
	if s.Output != "a" || r.Method != "POST" || r.Data != "x" || len(r.Headers) != 2 {
		t.Errorf("got output %q method %q data %q headers %q", s.Output, r.Method, r.Data, r.Headers)
	}
	for short, long := range Shorthands {
		if fs.Lookup(short) == nil || fs.Lookup(long) == nil {
			t.Errorf("-%s / --%s not both defined", short, long)
		}
	}
}

func TestParseErrors(t *testing.T) {
	var r RequestFlags
	var s SaveFlags
	for _, args := range [][]string{{"-H", "no colon"}, {"-H", "Bad Name: x"}, {"--bogus"}, {"--retry", "soon"}} {
		if _, err := Parse(newSet(&r, &s), args); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
	if _, err := Parse(newSet(&r, &s), []string{"URL", "--help"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("--help after an argument: %v, want flag.ErrHelp", err)
	}
}

func TestRequests(t *testing.T) {
	body := filepath.Join(t.TempDir(), "body.json")
	if err := os.WriteFile(body, []byte(`{"a":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	r := RequestFlags{Headers: HeaderList{"Authorization: Bearer t", "X-A: 1"}, Method: "POST", Data: "@" + body,
		LastEventID: "7", ReadTimeout: time.Second, NoReconnect: true}
	reqs, err := r.Requests([]string{"http://127.0.0.1:1/a", "https://example.test/b"})
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 2 || reqs[1].URL != "https://example.test/b" {
		t.Fatalf("requests %+v", reqs)
	}
	q := reqs[0]
	if q.Method != "POST" || string(q.Body) != `{"a":1}` || q.Header.Get("Authorization") != "Bearer t" ||
		q.LastEventID != "7" || q.ReadTimeout != time.Second || !q.NoReconnect {
		t.Errorf("request %+v", q)
	}
	for _, bad := range []RequestFlags{
		{Data: "@" + filepath.Join(t.TempDir(), "missing")},
		{Retry: -time.Second},
		{Headers: HeaderList{"X: a\nY: b"}},
	} {
		if _, err := bad.Requests([]string{"http://127.0.0.1:1/"}); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	for _, u := range []string{"ftp://x/", "http://", "not a url"} {
		if _, err := r.Requests([]string{u}); err == nil || !strings.Contains(err.Error(), "stream URL") {
			t.Errorf("URL %q: %v", u, err)
		}
	}
}
