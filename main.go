// Command sseinspector shows where Server-Sent Events get delayed or dropped.
//
// With no arguments, or with "demo" or "open", it runs the desktop
// inspector; anything else is a headless command (see "sseinspector help").
package main

import (
	"os"

	"github.com/sseinspector/sseinspector/app/cli"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) == 0 || args[0] == "demo" || args[0] == "open" {
		return runGUI(args)
	}
	return cli.Main(args)
}
