package cli

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sseinspector/sseinspector/app/internal/fixture"
	"github.com/sseinspector/sseinspector/app/internal/golden"
	"github.com/sseinspector/sseinspector/app/plot"
	"github.com/sseinspector/sseinspector/app/timeline"
	"github.com/sseinspector/sseinspector/inspector"
)

func runCmd(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = Run(context.Background(), &Env{Stdout: &out, Stderr: &errb}, args)
	return code, out.String(), errb.String()
}

// saved writes a fixture's session to a file and returns its path.
func saved(t *testing.T, f *fixture.Fixture) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), f.Name+".ndjson")
	if err := inspector.SaveSession(path, f.Session.Snapshot(), inspector.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestExportPNG(t *testing.T) {
	f := fixture.Buffered()
	session := saved(t, f)
	out := filepath.Join(t.TempDir(), "timeline.png")
	code, stdout, stderr := runCmd("export", session, "-o", out, "--width", "1000", "--height", "600")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "wrote "+out) || !strings.Contains(stdout, "240 events") {
		t.Errorf("stdout %q", stdout)
	}
	file, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	img, err := png.Decode(file)
	if err != nil {
		t.Fatal(err)
	}
	// A saved and reloaded session draws exactly like the recording.
	snap := f.Session.Snapshot()
	d := &timeline.Data{Title: "buffered", Snapshot: snap, RefLane: 1}
	d.Delays, d.Matches, d.Findings = analyzeForTimeline(snap, d.RefLane, nil)
	if len(d.Findings) == 0 || len(d.Matches) == 0 {
		t.Fatalf("the buffered fixture yields %d findings and %d matches: the export would show no diagnosis", len(d.Findings), len(d.Matches))
	}
	for _, f := range d.Findings {
		d.Highlight = append(d.Highlight, f.Events...)
	}
	want := plot.NewImage(1000, 600)
	timeline.Draw(want, d, timeline.FitView(d, 1000, 600))
	if n, err := golden.Differ(want.Image(), img); err != nil || n != 0 {
		t.Errorf("exported image differs from drawing the recording: %d pixels, %v", n, err)
	}
}

func TestExportSVGRange(t *testing.T) {
	session := saved(t, fixture.Reconnect())
	out := filepath.Join(t.TempDir(), "t.svg")
	code, _, stderr := runCmd("export", "--from", "7s", session, "--to", "15s", "-o", out, "--title", "idle <timeout>")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	svg := string(b)
	for _, want := range []string{"<svg", ">idle &lt;timeout&gt;<", "showing 7.0 s – 15.0 s", "Last-Event-ID: 12", ">via proxy<"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if strings.Contains(svg, "Last-Event-ID: 24") {
		t.Error("the reconnect at 21.75 s is drawn in a 7–15 s range")
	}
}

func TestExportUsage(t *testing.T) {
	session := saved(t, fixture.Clean())
	dir := t.TempDir()
	png := filepath.Join(dir, "x.png")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"no session", []string{"-o", png}, ExitUsage, "want one session file"},
		{"two sessions", []string{session, session, "-o", png}, ExitUsage, "got 2 arguments"},
		{"no output", []string{session}, ExitUsage, "missing -o"},
		{"unknown format", []string{session, "-o", filepath.Join(dir, "x.pdf")}, ExitUsage, "unknown image format"},
		{"bad flag", []string{session, "-o", png, "--colour", "red"}, ExitUsage, "flag provided but not defined"},
		{"bad width", []string{session, "-o", png, "--width", "0"}, ExitUsage, "image size"},
		{"bad duration", []string{session, "-o", png, "--from", "ten"}, ExitUsage, "want a duration"},
		{"empty range", []string{session, "-o", png, "--from", "5s", "--to", "2s"}, ExitUsage, "not after"},
		{"range after end", []string{session, "-o", png, "--from", "1h"}, ExitUsage, "after the session's end"},
		{"unknown reference", []string{session, "-o", png, "--reference", "nginx"}, ExitUsage, "no such lane"},
		{"missing session", []string{filepath.Join(dir, "none.ndjson"), "-o", png}, ExitFailure, "none.ndjson"},
		{"unwritable output", []string{session, "-o", filepath.Join(dir, "no", "x.png")}, ExitFailure, "export"},
	} {
		code, _, stderr := runCmd(append([]string{"export"}, tc.args...)...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d mentioning %q", tc.name, code, stderr, tc.code, tc.want)
		}
		if tc.code == ExitUsage && !strings.Contains(stderr, "Usage: sseinspector export") {
			t.Errorf("%s: no usage on stderr", tc.name)
		}
	}
	if _, err := os.Stat(png); err == nil {
		t.Error("a failed export wrote a file")
	}
}

func TestExportHelp(t *testing.T) {
	code, stdout, stderr := runCmd("export", "--help")
	if code != ExitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{"Usage: sseinspector export SESSION|CAPTURE.pcap -o FILE.png|FILE.svg", "-width", "-height", "-from", "-to", ".png, .svg"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("help lacks %q:\n%s", want, stdout)
		}
	}
}
