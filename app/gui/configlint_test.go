package gui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sseinspector/sseinspector/inspector/diagnose"
)

func TestCompareConfigFindingsJoinTheAnalysis(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "nginx.conf")
	src := "http {\n    server {\n        location /events {\n            proxy_pass http://app;\n        }\n    }\n}\n"
	if err := os.WriteFile(conf, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := lintConfigFile(conf, "http://127.0.0.1:8080/events")
	if err != nil || cfg == nil || !cfg.Problems {
		t.Fatalf("lint: %v, %+v", err, cfg)
	}
	live := diagnose.Finding{ID: "nginx-buffering", Severity: diagnose.SeverityWarning, Title: "nginx buffers the stream"}
	rep := &diagnose.Report{Findings: []diagnose.Finding{live}}
	for range 2 { // each analysis starts from the lint alone
		got := withConfig(rep, cfg, "proxied")
		if len(got) < 2 {
			t.Fatalf("findings %+v", got)
		}
		ev := strings.Join(got[0].Evidence, "\n")
		if !strings.Contains(ev, "config: "+conf+":3:9 location /events has no proxy_buffering off") {
			t.Fatalf("live finding evidence:\n%s", ev)
		}
		if !strings.HasPrefix(got[1].Title, "Config "+conf+":3:9: ") || got[1].ID != "nginx-buffering" {
			t.Fatalf("config finding %+v", got[1])
		}
		rep.Findings = []diagnose.Finding{live}
	}
	if len(cfg.Findings[0].Evidence) != 0 {
		t.Fatalf("the lint was changed: %+v", cfg.Findings[0].Evidence)
	}
	if _, err := lintConfigFile(filepath.Join(dir, "missing"), ""); err == nil {
		t.Fatal("missing configuration: no error")
	}
	if r, err := lintConfigFile("  ", ""); r != nil || err != nil {
		t.Fatalf("no configuration: %v, %v", r, err)
	}
}
