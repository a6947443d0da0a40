package cli

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sseinspector/sseinspector/app/demo"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// compareOrigin serves 60 stamped events at 40/s, ~200 B each, then ends.
// Tests that record with it take a couple of seconds: -short skips them.
func compareOrigin(t *testing.T) *httptest.Server {
	if testing.Short() {
		t.Skip("records for 2 s")
	}
	return (&it.Origin{Rate: 40, Size: 200, Count: 60}).Start(t)
}

// bufferingProxy puts the demo's nginx-like buffering proxy in front of
// the origin.
func bufferingProxy(t *testing.T, origin string) *httptest.Server {
	u, err := url.Parse(origin)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(&demo.BufferingProxy{Upstream: u})
	t.Cleanup(srv.Close)
	return srv
}

func TestCompareCleanPair(t *testing.T) {
	origin := compareOrigin(t)
	// --events ends the run when both streams are whole, however slow the
	// machine; --duration only bounds a broken run.
	code, out, errOut := run(t, "compare", "--events", "60", "--duration", "60s", origin.URL+"/a", origin.URL+"/b")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"No problems found.", "60 events", "sent → received", "Bursts", "Disconnects"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestCompareNamesABufferingProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("records for 2 s")
	}
	// Enough data for about ten 4 KiB pages while the origin still sends:
	// the step size shows even if a loaded machine joins two pages in one
	// read, or the last read flushes what was left.
	origin := (&it.Origin{Rate: 100, Size: 200, Count: 200}).Start(t)
	proxy := bufferingProxy(t, origin.URL)
	dir := t.TempDir()
	session, img := filepath.Join(dir, "compare.ssei"), filepath.Join(dir, "timeline.svg")
	code, out, errOut := run(t, "compare", "--events", "200", "--duration", "60s", "--json", "-o", session, "--png", img, origin.URL+"/s", proxy.URL+"/s")
	if code != ExitFindings {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	var r struct {
		Findings []struct{ ID, Severity string } `json:"findings"`
		Lanes    map[string]struct {
			Bursts struct{ StepSize int } `json:"bursts"`
		} `json:"lanes"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(r.Findings) == 0 || r.Findings[0].ID != "proxy-buffering" || r.Lanes["proxied"].Bursts.StepSize != 4096 {
		var raw struct {
			Lanes map[string]struct {
				Bursts json.RawMessage `json:"bursts"`
			} `json:"lanes"`
		}
		_ = json.Unmarshal([]byte(out), &raw)
		t.Fatalf("findings %+v, proxied step %d; proxied bursts:\n%s", r.Findings, r.Lanes["proxied"].Bursts.StepSize, raw.Lanes["proxied"].Bursts)
	}
	if svg, err := os.ReadFile(img); err != nil || !strings.Contains(string(svg), "<svg") {
		t.Fatalf("timeline image: %v", err)
	}
	// The saved session diagnoses the same.
	code, text, _ := run(t, "diagnose", session)
	if code != ExitFindings || !strings.Contains(text, "proxy-buffering") {
		t.Fatalf("diagnose of the saved session: exit %d\n%s", code, text)
	}
}

func TestCompareThroughNginx(t *testing.T) {
	origin := compareOrigin(t)
	ngx := it.StartNginx(t, it.NginxConfig{Upstream: origin.URL})
	code, out, errOut := run(t, "compare", "--events", "60", "--duration", "60s", origin.URL+"/s", ngx.URL+"/s")
	if code != ExitFindings || !strings.Contains(out, "[warning] nginx-buffering") || !strings.Contains(out, "proxy_buffering off;") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestCompareUsage(t *testing.T) {
	for _, args := range [][]string{
		{"compare", "http://127.0.0.1:1/"},
		{"compare", "ftp://x/", "http://127.0.0.1:1/"},
		{"compare", "--duration", "0s", "http://127.0.0.1:1/", "http://127.0.0.1:1/"},
		{"compare", "--stamp-unit", "weeks", "http://127.0.0.1:1/", "http://127.0.0.1:1/"},
		{"compare", "-H", "bad header", "http://127.0.0.1:1/", "http://127.0.0.1:1/"},
	} {
		if code, _, _ := run(t, args...); code != ExitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, ExitUsage)
		}
	}
}
