package cli

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/diagnose"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

func TestCompareChainNamesTheBufferingHop(t *testing.T) {
	origin := compareOrigin(t)
	lb := it.StartHAProxy(t, it.ProxyConfig{Upstream: origin.URL, Global: "    option http-no-delay"})
	ngx := it.StartNginx(t, it.NginxConfig{Upstream: lb.URL})
	session := filepath.Join(t.TempDir(), "chain.ssei")
	code, out, errOut := run(t, "compare", "--events", "60", "--duration", "60s", "--json", "-o", session, "--labels", "origin,haproxy,nginx",
		origin.URL+"/s", lb.URL+"/s", ngx.URL+"/s")
	if code != ExitFindings {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	var r diagnose.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if len(r.Hops) != 3 || r.Hops[1].Label != "haproxy" || r.Hops[2].Label != "nginx" {
		t.Fatalf("hops %+v", r.Hops)
	}
	// The side request naming the outermost proxy is a lane beside the
	// chain, named after its hop, and no hop.
	if l := r.Lanes["nginx (side request)"]; l == nil || l.Kind != inspector.LaneRequest || len(r.LaneOrder) != 4 {
		t.Errorf("side request lane %+v, lanes %v", l, r.LaneOrder)
	}
	if got := r.Hops[2].Findings; len(got) != 1 || got[0] != "nginx-buffering" || len(r.Hops[1].Findings) != 0 {
		t.Errorf("findings by hop: haproxy %v, nginx %v", r.Hops[1].Findings, got)
	}
	// The saved session is diagnosed along the same chain with --chain.
	if code, text, errD := run(t, "diagnose", "--chain", "origin,haproxy,nginx", session); code != ExitFindings ||
		!strings.Contains(text, "hop 2 (nginx, ") || !strings.Contains(text, "Hops (origin first") {
		t.Errorf("diagnose --chain: exit %d\n%s\n%s", code, text, errD)
	}
	if code, _, errOut := run(t, "diagnose", "--chain", "origin", session); code != ExitUsage || !strings.Contains(errOut, "two lanes or more") {
		t.Errorf("--chain with one lane: exit %d, %s", code, errOut)
	}
	for _, want := range []string{"  origin:  " + origin.URL, "  haproxy: " + lb.URL, "  nginx:   " + ngx.URL} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

func TestCompareLabelsUsage(t *testing.T) {
	for _, args := range [][]string{
		{"compare", "--labels", "a,b,c", "http://127.0.0.1:1/", "http://127.0.0.1:1/"},
		{"compare", "--labels", "a,a", "http://127.0.0.1:1/", "http://127.0.0.1:1/"},
		{"compare", "--labels", "a,", "http://127.0.0.1:1/", "http://127.0.0.1:1/"},
	} {
		if code, _, errOut := run(t, args...); code != ExitUsage || !strings.Contains(errOut, "--labels") {
			t.Errorf("%q: exit %d, %s", args, code, errOut)
		}
	}
}

// A capture taken with tcpdump on the host of a buffering nginx holds
// both its sides: diagnose reads it as a two-hop chain and names nginx;
// export draws it.
func TestDiagnoseAndExportACapture(t *testing.T) {
	origin := compareOrigin(t)
	ngx := it.StartNginx(t, it.NginxConfig{Upstream: origin.URL})
	op, np := portOf(t, origin.URL), portOf(t, ngx.URL)
	dump := it.StartTcpdump(t, "tcp port "+op+" or tcp port "+np)
	if code, out, errOut := run(t, "watch", "--max-events", "60", "--duration", "60s", "--no-reconnect", ngx.URL+"/s"); code != ExitOK {
		t.Fatalf("watch: exit %d\n%s\n%s", code, out, errOut)
	}
	dump.WaitQuiet(t)
	if err := dump.Stop(); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, "diagnose", dump.Path)
	if code != ExitFindings || !strings.Contains(out, "hop 1 (127.0.0.1:"+np+")") || !strings.Contains(out, "nginx-buffering") {
		t.Fatalf("diagnose: exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "one stream on both sides of a proxy") {
		t.Errorf("stderr does not name the chain:\n%s", errOut)
	}
	img := filepath.Join(t.TempDir(), "capture.png")
	if code, out, errOut := run(t, "export", dump.Path, "-o", img); code != ExitOK {
		t.Fatalf("export: exit %d\n%s\n%s", code, out, errOut)
	}
	if fi, err := os.Stat(img); err != nil || fi.Size() == 0 {
		t.Fatalf("no image: %v", err)
	}
}

func TestDiagnoseRefusesAnUnknownFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.pcap")
	if err := os.WriteFile(path, []byte("\xd4\xc3\xb2\xa1 short"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, "diagnose", path)
	if code != ExitFailure || !strings.Contains(errOut, "pcap") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}

func portOf(t *testing.T, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	return u.Port()
}
