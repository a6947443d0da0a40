package cli

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
)

// TestWatchRetryZeroMeansZero checks that --retry 0 is a reconnection
// time of zero, not the 3 s default.
func TestWatchRetryZeroMeansZero(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: x\n\n")
	}))
	defer srv.Close()
	r := runCLI(t, "watch", "--json", "--retry", "0", "--max-events", "2", srv.URL)
	if r.code != ExitOK {
		t.Fatalf("%v", r)
	}
	if !regexp.MustCompile(`"kind":"close"[^\n]*"reconnectIn":0\b`).MatchString(r.stdout) {
		t.Errorf("no close record with reconnectIn 0:\n%s", r.stdout)
	}
}
