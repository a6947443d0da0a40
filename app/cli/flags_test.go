package cli

import (
	"slices"
	"strings"
	"testing"
)

// TestOutputFlagIsTheSameEverywhere checks that every command writing a
// file spells it -o, --output, and lists it once.
func TestOutputFlagIsTheSameEverywhere(t *testing.T) {
	for _, name := range []string{"watch", "compare", "tap", "export"} {
		code, out, _ := run(t, name, "--help")
		if code != ExitOK || !strings.Contains(out, "  -o, --output FILE\n") || strings.Count(out, "--output") != 1 {
			t.Errorf("%s --help: exit %d, want one \"-o, --output FILE\" line:\n%s", name, code, out)
		}
	}
}

// TestFlagsAfterArguments checks that every command accepts flags after
// its positional arguments: a bad value given last is still read.
func TestFlagsAfterArguments(t *testing.T) {
	for _, args := range [][]string{
		{"watch", "http://127.0.0.1:1/", "--max-events", "-1"},
		{"compare", "http://127.0.0.1:1/a", "http://127.0.0.1:1/b", "--duration", "0s"},
		{"diagnose", "missing.ssei", "--stamp-unit", "weeks"},
		{"export", "missing.ssei", "--output", "x.png", "--width", "0"},
	} {
		code, _, errOut := run(t, args...)
		if code != ExitUsage || !strings.Contains(errOut, "Usage: sseinspector "+args[0]) {
			t.Errorf("%q: exit %d, want %d with the usage\n%s", args, code, ExitUsage, errOut)
		}
	}
}

func TestCompareFlagsAfterURLs(t *testing.T) {
	origin := compareOrigin(t)
	code, out, errOut := run(t, "compare", origin.URL+"/a", origin.URL+"/b", "--events", "60", "--duration", "60s", "-H", "X-Test: 1")
	if code != ExitOK || !strings.Contains(out, "No problems found.") || !strings.Contains(errOut, "comparing for 1m0s") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestHelpListsCommandsInTableOrder checks that help lists the command
// table as written, not in map or file order.
func TestHelpListsCommandsInTableOrder(t *testing.T) {
	_, out, _ := run(t, "help")
	last := -1
	for _, c := range commands {
		i := strings.Index(out, "  "+c.Name+" ")
		if i < 0 || i < last {
			t.Fatalf("%q missing or out of order in:\n%s", c.Name, out)
		}
		last = i
	}
	var names []string
	for _, c := range commands {
		names = append(names, c.Name)
	}
	if len(slices.Compact(slices.Sorted(slices.Values(names)))) != len(names) {
		t.Errorf("duplicate command names in %q", names)
	}
}
