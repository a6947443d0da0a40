// Package cmdline holds the command-line flags shared by the headless
// commands (package cli) and the desktop window's argument handling
// (package gui): the request flags that describe what a subscription
// sends, the flags that save a session, and a parser that accepts flags
// before, between and after the positional arguments.
//
// It imports no UI toolkit, so the headless build can use it.
package cmdline
