package gui

import (
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
)

// AppID is the application's unique ID (matches FyneApp.toml).
const AppID = "dev.sseinspector.app"

// Main opens the desktop inspector. args are the command line after the
// program name: none, "demo", or "open SESSION". It returns the exit code.
func Main(args []string) int {
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			fmt.Println("Usage: sseinspector              open the desktop inspector on an empty session")
			fmt.Println("       sseinspector demo         open it on the built-in demo: a direct lane and one through")
			fmt.Println("                                 a proxy that buffers like default nginx")
			fmt.Println("       sseinspector open SESSION open it on a saved session file")
			fmt.Println("\nRun 'sseinspector help' for the headless commands.")
			return 0
		}
	}
	mode := ""
	if len(args) > 0 {
		mode = args[0]
	}
	switch mode {
	case "", "demo":
	case "open":
		if len(args) != 2 {
			fmt.Fprintln(os.Stderr, "Usage: sseinspector open SESSION")
			return 2
		}
	default:
		fmt.Fprintf(os.Stderr, "sseinspector: unknown GUI mode %q\n", mode)
		return 2
	}
	a := app.NewWithID(AppID)
	w := a.NewWindow("SSE Inspector")
	ui := New(a, w)
	w.Resize(fyne.NewSize(1280, 800))
	w.SetMaster()
	switch mode {
	case "demo":
		ui.StartDemo()
	case "open":
		ui.OpenSessionFile(args[1])
	}
	w.ShowAndRun()
	ui.Close()
	return 0
}
