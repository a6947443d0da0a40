package inspector

import (
	"strings"
	"testing"
)

func TestCheckHTTPURL(t *testing.T) {
	for _, ok := range []string{"http://127.0.0.1:8080/events", "https://example.test/", "HTTP://h/"} {
		if _, err := CheckHTTPURL("upstream", ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for raw, want := range map[string]string{
		"ftp://h/":     "scheme must be http or https",
		"localhost/x":  "scheme must be http or https",
		"http:///path": "no host",
		"http://[::1":  "upstream:",
	} {
		if _, err := CheckHTTPURL("upstream", raw); err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "upstream") {
			t.Errorf("CheckHTTPURL(%q) = %v, want an error naming the upstream and %q", raw, err, want)
		}
	}
	if _, err := CheckURL("ftp://h/"); err == nil || !strings.HasPrefix(err.Error(), "stream URL") {
		t.Errorf("CheckURL names the stream URL: %v", err)
	}
}
