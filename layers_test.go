package main

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/sseinspector/sseinspector"

// layer states what one package may import: only the module packages
// listed in allow, and nothing whose import path starts with a forbidden
// prefix. Packages are listed with CGO_ENABLED=0, so a package that stops
// building without cgo fails here too.
type layer struct {
	pkg    string
	allow  []string // module packages it may depend on (transitively)
	forbid []string // import path prefixes it must not depend on
}

var layers = []layer{
	{pkg: "inspector/sse", forbid: []string{"net", "os", "fyne.io/"}},
	{pkg: "inspector", allow: []string{"inspector/sse"}, forbid: []string{"fyne.io/"}},
	{pkg: "inspector/diagnose", allow: []string{"inspector", "inspector/sse"}, forbid: []string{"fyne.io/"}},
	{pkg: "proxytap", allow: []string{"inspector", "inspector/sse"}, forbid: []string{"fyne.io/"}},
	{pkg: "app/origin", allow: []string{"inspector", "inspector/sse"}, forbid: []string{"fyne.io/"}},
	{pkg: "app/plot", forbid: []string{"fyne.io/"}},
	{pkg: "app/timeline", allow: []string{"inspector", "inspector/sse", "inspector/diagnose", "app/plot"}, forbid: []string{"fyne.io/"}},
	{pkg: "app/cmdline", allow: []string{"inspector", "inspector/sse"}, forbid: []string{"fyne.io/"}},
	{pkg: "app/cli", allow: []string{"*"}, forbid: []string{"fyne.io/", module + "/app/gui", module + "/app/widgets"}},
}

type listed struct {
	ImportPath string
	Error      *struct{ Err string }
	DepsErrors []*struct{ Err string }
}

// TestLayers checks the dependency direction of every package with one
// "go list -e -deps" per layer: a listing error fails the test, it never
// skips it.
func TestLayers(t *testing.T) {
	for _, l := range layers {
		t.Run(l.pkg, func(t *testing.T) {
			cmd := exec.Command("go", "list", "-e", "-deps", "-json=ImportPath,Error,DepsErrors", module+"/"+l.pkg)
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatalf("go list: %v", err)
			}
			dec := json.NewDecoder(out)
			n := 0
			for {
				var p listed
				if err := dec.Decode(&p); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("go list output: %v", err)
				}
				n++
				if p.Error != nil {
					t.Errorf("%s: %s", p.ImportPath, p.Error.Err)
				}
				for _, e := range p.DepsErrors {
					t.Errorf("%s: %s", p.ImportPath, e.Err)
				}
				l.check(t, p.ImportPath)
			}
			if err := cmd.Wait(); err != nil {
				t.Fatalf("go list: %v\n%s", err, stderr.String())
			}
			if n == 0 {
				t.Fatal("go list listed nothing")
			}
		})
	}
}

func (l layer) check(t *testing.T, dep string) {
	t.Helper()
	for _, f := range l.forbid {
		if dep == f || strings.HasPrefix(dep, strings.TrimSuffix(f, "/")+"/") || strings.HasPrefix(dep, f) && strings.HasSuffix(f, "/") {
			t.Errorf("%s depends on %s", l.pkg, dep)
		}
	}
	rel, ok := strings.CutPrefix(dep, module+"/")
	if !ok || rel == l.pkg || len(l.allow) == 1 && l.allow[0] == "*" {
		return
	}
	for _, a := range l.allow {
		if rel == a {
			return
		}
	}
	t.Errorf("%s depends on %s, which lies above it", l.pkg, dep)
}
