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
// program name (see Args). It returns the exit code.
func Main(args []string) int {
	parsed, err := ParseArgs(args)
	switch {
	case err != nil:
		fmt.Fprintf(os.Stderr, "sseinspector: %v\n", err)
		PrintUsage(os.Stderr)
		return 2
	case parsed.Help:
		PrintUsage(os.Stdout)
		return 0
	}
	a := app.NewWithID(AppID)
	w := a.NewWindow("SSE Inspector")
	ui := New(a, w)
	w.Resize(fyne.NewSize(1280, 800))
	w.SetMaster()
	switch parsed.Mode {
	case "demo":
		ui.StartDemo()
	case "open":
		ui.OpenSessionFile(parsed.Session)
	}
	for _, req := range parsed.Requests {
		if _, err := ui.Subscribe(req); err != nil {
			fmt.Fprintf(os.Stderr, "sseinspector: %v\n", err)
		}
	}
	w.ShowAndRun()
	ui.Close()
	return 0
}
