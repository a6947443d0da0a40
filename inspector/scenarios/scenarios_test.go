package scenarios

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// TestMatrix runs the scenarios one after another (a timing verdict must
// not depend on what else the test binary runs) and prints the table.
// SSEI_SCENARIOS=full runs every scenario; SSEI_SCENARIOS=burn runs the
// fixed variants of every scenario while a CPU burner keeps every core
// busy; otherwise only the fast subset runs. SSEI_SCENARIO_REPORTS=1
// prints every report.
func TestMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("real-server scenarios")
	}
	mode := os.Getenv("SSEI_SCENARIOS")
	if mode == "burn" {
		burnCPU(t, runtime.NumCPU())
	}
	var outs []Outcome
	for _, sc := range Matrix {
		if mode == "" && !sc.Fast {
			continue
		}
		t.Run(sc.Name, func(t *testing.T) {
			variants := []bool{true, false}
			if mode == "burn" {
				variants = []bool{false}
			}
			for _, broken := range variants {
				v, name := sc.Fixed, "fixed"
				if broken {
					v, name = sc.Broken, "broken"
				}
				rec := Record(t, sc, v)
				o := Judge(sc, broken, rec.Report)
				outs = append(outs, o)
				if !o.Passed() {
					t.Errorf("%s variant (%s): want %s, got %v; report:\n%s", name, sc.Stack, wantText(sc, broken), o.Got, rec.Text())
				} else if os.Getenv("SSEI_SCENARIO_REPORTS") != "" {
					t.Logf("%s variant (%s):\n%s", name, sc.Stack, rec.Text())
				}
			}
		})
	}
	var b strings.Builder
	if err := WriteTable(&b, outs); err != nil {
		t.Fatal(err)
	}
	t.Logf("verdicts (%s):\n%s", modeName(mode), b.String())
}

func wantText(sc *Scenario, broken bool) string {
	if !broken {
		return "no warning"
	}
	return sc.Expect.ID + " first, title with " + sc.Expect.TitleHas + ", fix with " + sc.Expect.FixHas
}

func modeName(mode string) string {
	switch mode {
	case "full":
		return "full matrix"
	case "burn":
		return "fixed variants, every core kept busy by a CPU burner"
	}
	return "fast subset"
}

// burnCPU keeps n cores busy with shell loops in processes of their own
// until the test ends.
func burnCPU(t *testing.T, n int) {
	for range n {
		cmd := exec.Command("sh", "-c", "while :; do :; done")
		if err := cmd.Start(); err != nil {
			t.Fatalf("CPU burner: %v", err)
		}
		t.Cleanup(func() {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		})
	}
}
