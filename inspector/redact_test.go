package inspector

import (
	"net/http"
	"reflect"
	"testing"
)

func TestRedactHeader(t *testing.T) {
	in := http.Header{
		"Authorization":       {"Bearer abc.def", "opaque-token"},
		"Proxy-Authorization": {"Basic dXNlcjpwYXNz"},
		"Cookie":              {"session=s3cret; theme=dark"},
		"Set-Cookie":          {"session=s3cret; Path=/; Max-Age=60; HttpOnly"},
		"X-Other":             {"kept"},
	}
	want := http.Header{
		"Authorization":       {"Bearer " + Redacted, Redacted},
		"Proxy-Authorization": {"Basic " + Redacted},
		"Cookie":              {"session=" + Redacted + "; theme=" + Redacted},
		"Set-Cookie":          {"session=" + Redacted + "; Path=/; Max-Age=60; HttpOnly"},
		"X-Other":             {"kept"},
	}
	got := RedactHeader(in)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("RedactHeader:\n got %q\nwant %q", got, want)
	}
	if in.Get("Authorization") != "Bearer abc.def" {
		t.Error("RedactHeader changed its argument")
	}
	if RedactHeader(nil) != nil {
		t.Error("nil header not kept nil")
	}
}
