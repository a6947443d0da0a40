package proxytap

import (
	"compress/flate"
	"compress/zlib"
	"io"
	"net/http"
	"testing"

	"github.com/sseinspector/sseinspector/inspector"
)

// flushWriter is a compressor that can flush what it holds.
type flushWriter interface {
	io.Writer
	Flush() error
	Close() error
}

// TestReverseDeflateBothForms checks that the tap's recording decodes
// "deflate" as zlib-wrapped or raw, told apart by the same header check
// as the subscriber (inspector.NewDecoder).
func TestReverseDeflateBothForms(t *testing.T) {
	for name, newWriter := range map[string]func(io.Writer) flushWriter{
		"zlib": func(w io.Writer) flushWriter {
			return zlib.NewWriter(w)
		},
		"raw": func(w io.Writer) flushWriter {
			fw, _ := flate.NewWriter(w, flate.BestSpeed)
			return fw
		},
	} {
		t.Run(name, func(t *testing.T) {
			origin := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
				sseHeaders(w)
				w.Header().Set("Content-Encoding", "deflate")
				zw := newWriter(w)
				for _, e := range []string{"data: one\n\n", "data: two\n\n"} {
					io.WriteString(zw, e)
					zw.Flush()
					http.NewResponseController(w).Flush()
				}
				zw.Close()
			})
			_, sess, base := startTap(t, Config{Upstream: origin.URL})
			resp := getStream(t, rawClient(), base+"/", "Accept-Encoding", "deflate")
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			snap := waitFor(t, sess, "the stream's end", connsEnded(inspector.LaneTap, 1))
			evs := laneOfKind(snap, inspector.LaneTap).Events()
			if len(evs) != 2 || evs[0].Data != "one" || evs[1].Data != "two" {
				t.Errorf("recorded %+v, want events one and two", evs)
			}
		})
	}
}
