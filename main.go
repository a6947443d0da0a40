// Command sseinspector shows where Server-Sent Events get delayed or dropped.
//
// With no arguments, "demo", "open SESSION", or request flags and stream
// URLs, it runs the desktop inspector; anything else is a headless command
// (see "sseinspector help").
package main

import (
	"os"
	"strings"

	"github.com/sseinspector/sseinspector/app/cli"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if opensWindow(args) {
		return runGUI(args)
	}
	return cli.Main(args)
}

// opensWindow reports whether a command line is the desktop window's:
// nothing, "demo", "open", or request flags and stream URLs, as in
// "sseinspector -H 'Authorization: Bearer x' https://host/events".
// Everything else, help included, is a headless command.
func opensWindow(args []string) bool {
	if len(args) == 0 {
		return true
	}
	switch a := args[0]; {
	case a == "demo" || a == "open":
		return true
	case a == "-h" || a == "-help" || a == "--help":
		return false
	case strings.HasPrefix(a, "-"), strings.HasPrefix(a, "http://"), strings.HasPrefix(a, "https://"):
		return true
	}
	return false
}
