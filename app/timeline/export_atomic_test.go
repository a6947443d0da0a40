package timeline_test

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/sseinspector/sseinspector/app/internal/fixture"
	"github.com/sseinspector/sseinspector/app/timeline"
)

// TestExportLeavesNoPartialFile checks that an export that cannot be put
// in place (here the target is a non-empty directory, which fails for
// root too) leaves no temporary or partial file in the directory.
func TestExportLeavesNoPartialFile(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "timeline.png")
	if err := os.MkdirAll(filepath.Join(target, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := timeline.Export(target, dataOf(fixture.Clean()), 200, 100); err == nil {
		t.Fatal("exporting over a non-empty directory succeeded")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "timeline.png" {
			t.Errorf("the failed export left %s behind", e.Name())
		}
	}
}

// TestExportReplacesTheFileWhole checks that an export replaces an
// existing image by a rename, not by rewriting it in place: a reader that
// opened the old image still reads it whole while the new one is written.
func TestExportReplacesTheFileWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "timeline.png")
	if err := os.WriteFile(path, []byte("the old image"), 0o644); err != nil {
		t.Fatal(err)
	}
	reader, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	if err := timeline.Export(path, dataOf(fixture.Clean()), 200, 100); err != nil {
		t.Fatal(err)
	}
	old, err := io.ReadAll(reader)
	if err != nil || string(old) != "the old image" {
		t.Errorf("a reader of the old file read %d bytes, not the old image (%v): the file was rewritten in place", len(old), err)
	}
	if b, _ := os.ReadFile(path); len(b) < 8 || string(b[1:4]) != "PNG" {
		t.Errorf("the new file is not a PNG: %q", b[:min(len(b), 8)])
	}
}
