package gui

import (
	"fmt"
	"os"
	"runtime/debug"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
)

// AppID is the application's unique ID (matches FyneApp.toml).
const AppID = "dev.sseinspector.app"

// gcPercent is the window's garbage collection target (GOGC overrides it).
const gcPercent = 25

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
	if os.Getenv("GOGC") == "" {
		// Most of the heap is recorded events in pointer-free arenas,
		// which a collection does not scan: collecting more often costs
		// little and keeps the window's RSS near what it holds.
		debug.SetGCPercent(gcPercent)
	}
	a := app.NewWithID(AppID)
	w := a.NewWindow("SSE Inspector")
	ui := New(a, w)
	w.Resize(fyne.NewSize(1280, 800))
	w.SetMaster()
	for _, err := range ui.Launch(parsed) {
		fmt.Fprintf(os.Stderr, "sseinspector: %v\n", err)
	}
	w.ShowAndRun()
	ui.Close()
	return 0
}

// Launch does what the command line asks: start the demo, open a session
// file, or subscribe to the given streams in the current session (the
// first becomes the reference lane). It returns the subscriptions that
// failed.
func (ui *Inspector) Launch(a *Args) []error {
	switch a.Mode {
	case "demo":
		ui.StartDemo()
	case "open":
		ui.OpenSessionFile(a.Session)
	}
	var errs []error
	for _, req := range a.Requests {
		if _, err := ui.Subscribe(req); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}
