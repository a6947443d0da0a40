//go:build cgo

package main

import "github.com/sseinspector/sseinspector/app/gui"

// runGUI runs the desktop inspector: with no arguments on an empty
// session, "demo" on the built-in demonstration, "open SESSION" on a file.
func runGUI(args []string) int { return gui.Main(args) }
