package lint

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// patchResult is a result with one file and the given edits.
func patchResult(src string, edits ...Edit) *Result {
	return &Result{sources: map[string][]byte{"a.conf": []byte(src)},
		Findings: []Finding{{ID: "x", Edits: edits}}}
}

func numbered(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		b.WriteString("line " + string(rune('a'+i-1)) + "\n")
	}
	return b.String()
}

func TestPatchHunks(t *testing.T) {
	src := numbered(20)
	r := patchResult(src,
		Edit{File: "a.conf", Line: 2, Text: []string{"new 1"}},
		Edit{File: "a.conf", Line: 4, Replace: 1, Text: []string{"changed d"}},
		Edit{File: "a.conf", Line: 18, Replace: 1},
	)
	want := `--- a.conf
+++ a.conf
@@ -1,7 +1,8 @@
 line a
+new 1
 line b
 line c
-line d
+changed d
 line e
 line f
 line g
@@ -15,6 +16,5 @@
 line o
 line p
 line q
-line r
 line s
 line t
`
	if got := r.Patch(); got != want {
		t.Fatalf("patch:\n%s\nwant:\n%s", got, want)
	}
	applyWithPatch(t, src, r)
}

func TestPatchWithoutFinalNewline(t *testing.T) {
	src := "a\nb\nc"
	r := patchResult(src, Edit{File: "a.conf", Line: 3, Text: []string{"inserted"}})
	want := "--- a.conf\n+++ a.conf\n@@ -1,3 +1,4 @@\n a\n b\n+inserted\n-c\n\\ No newline at end of file\n+c\n"
	if got := r.Patch(); got != want {
		t.Fatalf("patch:\n%q\nwant:\n%q", got, want)
	}
	applyWithPatch(t, src, r)
}

func TestOverlappingEditsKeepTheFirst(t *testing.T) {
	r := patchResult("a\nb\nc\n",
		Edit{File: "a.conf", Line: 2, Replace: 1, Text: []string{"B1"}},
		Edit{File: "a.conf", Line: 2, Replace: 1, Text: []string{"B2"}},
		Edit{File: "a.conf", Line: 9, Replace: 1, Text: []string{"outside"}})
	got, err := r.Apply("a.conf")
	if err != nil || got != "a\nB1\nc\n" {
		t.Fatalf("Apply = %q, %v", got, err)
	}
	if _, err := r.Apply("other.conf"); err == nil {
		t.Fatal("Apply of a file never read: no error")
	}
}

// applyWithPatch runs GNU patch on the diff and checks it gives what Apply
// gives.
func applyWithPatch(t *testing.T, src string, r *Result) {
	t.Helper()
	prog := it.Require(t, "patch", "patch")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.conf"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(prog, "-p0", "--batch")
	cmd.Dir, cmd.Stdin = dir, strings.NewReader(r.Patch())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("patch: %v\n%s", err, out)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "a.conf"))
	want, err := r.Apply("a.conf")
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSuffix(string(got), "\n") != strings.TrimSuffix(want, "\n") {
		t.Fatalf("patch gave:\n%q\nApply gives:\n%q", got, want)
	}
}
