//go:build !cgo

package main

import (
	"fmt"
	"os"

	"github.com/sseinspector/sseinspector/app/cli"
)

func init() { cli.CommandLineBuild = true }

// runGUI stands in for the desktop inspector in the command-line build
// (CGO_ENABLED=0, "make cli"), which links no UI toolkit: the window needs
// cgo, OpenGL and a display.
func runGUI(args []string) int {
	what := "the desktop window"
	if len(args) > 0 {
		what = "'" + args[0] + "'"
	}
	fmt.Fprintf(os.Stderr, "sseinspector: %s needs the desktop build (make build); this command-line build runs the headless commands listed by 'sseinspector help'\n", what)
	return cli.ExitUsage
}
