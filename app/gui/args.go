package gui

import (
	"flag"
	"fmt"
	"io"

	"github.com/sseinspector/sseinspector/app/cmdline"
	"github.com/sseinspector/sseinspector/inspector"
)

// Args is the desktop window's command line:
//
//	sseinspector [request flags] [URL...]   an empty session, or one subscribed to the URLs
//	sseinspector demo                       the built-in demo
//	sseinspector open SESSION               a saved session
//
// The request flags are the watch and compare commands' own
// (cmdline.RequestFlags), and may follow the arguments as there.
type Args struct {
	Mode     string              // "", "demo" or "open"
	Session  string              // the file "open" reads
	Requests []inspector.Request // the streams to subscribe to on start
	Help     bool                // --help was given
}

// ParseArgs parses the desktop window's command line (after the program
// name), checking every URL and header.
func ParseArgs(args []string) (*Args, error) {
	fs := flag.NewFlagSet("sseinspector", flag.ContinueOnError)
	var rf cmdline.RequestFlags
	rf.Register(fs)
	pos, err := cmdline.Parse(fs, args)
	if err == flag.ErrHelp {
		return &Args{Help: true}, nil
	}
	if err != nil {
		return nil, err
	}
	a := &Args{}
	if len(pos) > 0 && (pos[0] == "demo" || pos[0] == "open") {
		a.Mode, pos = pos[0], pos[1:]
	}
	switch {
	case a.Mode == "demo" && len(pos) > 0:
		return nil, fmt.Errorf("demo takes no arguments, got %q", pos)
	case a.Mode == "open" && len(pos) != 1:
		return nil, fmt.Errorf("want one session file: sseinspector open SESSION")
	case a.Mode == "open":
		a.Session = pos[0]
	case len(pos) > 0:
		if a.Requests, err = rf.Requests(pos); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// PrintUsage writes the desktop window's command line.
func PrintUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: sseinspector [request flags] [URL...] open the desktop inspector, subscribed to the URLs")
	fmt.Fprintln(w, "       sseinspector demo         open it on the built-in demo: a direct lane and one through")
	fmt.Fprintln(w, "                                 a proxy that buffers like default nginx")
	fmt.Fprintln(w, "       sseinspector open SESSION open it on a saved session file")
	fmt.Fprintln(w, "\nThe request flags are watch's: -H/--header, -X/--request, -d/--data, --last-event-id,")
	fmt.Fprintln(w, "--read-timeout, --retry, --no-reconnect. Run 'sseinspector help' for the headless commands.")
}
