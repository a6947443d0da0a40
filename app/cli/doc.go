// Package cli holds the headless shells of SSE Inspector: one file per
// subcommand (watch, compare, diagnose, tap, ca, origin, export), each a thin
// layer over package inspector, listed in one table in cli.go. The flags
// several commands share (request, output) come from package cmdline. It imports no UI toolkit, so every command
// runs without a display.
package cli
