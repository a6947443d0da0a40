package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/sseinspector/sseinspector/app/cmdline"
)

// Command is one subcommand.
type Command struct {
	Name    string // as typed: "watch"
	Usage   string // one line after the name: "[flags] URL..."
	Summary string // one line for the command list
	// Run executes the command with fs, a flag set named after the
	// command that prints its usage on --help; Run defines its flags on
	// it. ctx is cancelled on SIGINT/SIGTERM. It returns the process exit
	// code.
	Run func(ctx context.Context, env *Env, fs *flag.FlagSet, args []string) int
	// Records is set on the commands that subscribe to streams and hold
	// what they record: Main runs them with recordingGCPercent.
	Records bool
}

// recordingGCPercent is the garbage collection target of the commands
// that record streams, as in the desktop window (GOGC overrides it). Most
// of what they hold is the recording, kept in pointer-free records and
// arenas that a collection marks without scanning, so collecting more
// often costs little; the default target, 100, lets the heap grow to
// twice what the recording holds before collecting.
const recordingGCPercent = 25

// Env is what a command talks to: its output streams. Tests substitute them.
type Env struct {
	Stdout io.Writer
	Stderr io.Writer
}

// commands lists every headless command, in the order "help" shows them.
var commands = []*Command{
	{Name: "watch", Usage: "[flags] URL...", Run: runWatch, Records: true,
		Summary: "subscribe to event streams like a browser and print every event with its timing"},
	{Name: "compare", Usage: "[flags] DIRECT PROXIED | ORIGIN HOP1 … HOPn | --demo [flags]", Run: runCompare, Records: true,
		Summary: "subscribe to a stream directly and through a proxy (or at every hop of a chain) at once, and name what delays or drops events, hop by hop"},
	{Name: "diagnose", Usage: "[flags] SESSION|CAPTURE.pcap", Run: runDiagnose,
		Summary: "analyse a saved session (compare or tap) or a tcpdump capture and name what delays or drops its events"},
	{Name: "export", Usage: "SESSION|CAPTURE.pcap -o FILE.png|FILE.svg [flags]", Run: runExport,
		Summary: "draw a saved session's timeline to a PNG or SVG image, as the desktop inspector shows it"},
	{Name: "tap", Usage: "[--upstream URL] [flags]", Run: runTap,
		Summary: "proxy a browser's traffic and record every event stream it receives"},
	{Name: "ca", Usage: "[--ca-dir DIR]", Run: runCA,
		Summary: "print the tap's HTTPS interception CA and how to make a browser trust it"},
	{Name: "origin", Usage: "[--listen ADDR]", Run: runOrigin,
		Summary: "serve the built-in demo event-stream origin until interrupted"},
	{Name: "probe", Usage: "--config FILE [--listen ADDR] | [flags] URL", Run: runProbe,
		Summary: "watch many streams for as long as it runs and serve Prometheus metrics on /metrics"},
	{Name: "lint", Usage: "[flags] FILE... (- reads nginx -T output)", Run: runLint,
		Summary: "point at the proxy configuration lines that delay or drop event streams, with the fix as a patch"},
}

// CommandLineBuild is set by the binary built without cgo, which has no
// desktop inspector, so that the usage does not offer it.
var CommandLineBuild bool

// Lookup returns the named command, or nil.
func Lookup(name string) *Command {
	for _, c := range commands {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Exit codes shared by the commands.
const (
	ExitOK       = 0
	ExitFailure  = 1 // the command ran and failed (streams failed for good, I/O errors)
	ExitUsage    = 2 // bad flags or arguments
	ExitFindings = 3 // compare/diagnose: a finding of warning severity or worse
)

// Main runs the subcommand named by args[0] and returns the exit code.
func Main(args []string) int {
	env := &Env{Stdout: os.Stdout, Stderr: os.Stderr}
	setGCTarget(args, os.Getenv("GOGC"))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, env, args)
}

// setGCTarget gives the collector recordingGCPercent when args name a
// command that records, unless gogc (the GOGC variable) sets the target.
func setGCTarget(args []string, gogc string) {
	if len(args) == 0 || gogc != "" {
		return
	}
	if c := Lookup(args[0]); c != nil && c.Records {
		debug.SetGCPercent(recordingGCPercent)
	}
}

// Run is Main with an explicit context and environment.
func Run(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			if c := Lookup(args[1]); c != nil {
				return c.Run(ctx, env, NewFlagSet(env, c), []string{"--help"})
			}
		}
		PrintUsage(env.Stdout)
		return ExitOK
	}
	c := Lookup(args[0])
	if c == nil {
		fmt.Fprintf(env.Stderr, "sseinspector: unknown command %q\n", args[0])
		PrintUsage(env.Stderr)
		return ExitUsage
	}
	return c.Run(ctx, env, NewFlagSet(env, c), args[1:])
}

// PrintUsage lists the commands.
func PrintUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: sseinspector [COMMAND] [flags]")
	if CommandLineBuild {
		fmt.Fprintln(w, "\nThis is the command-line build: the desktop inspector (demo, open) needs the desktop build.")
	} else {
		fmt.Fprintln(w, "\nWith no command, opens the desktop inspector; 'sseinspector demo' opens it on the")
		fmt.Fprintln(w, "built-in demo (direct vs a buffering proxy), 'sseinspector open SESSION' on a saved session.")
	}
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.Name, c.Summary)
	}
	fmt.Fprintln(w, "\nRun 'sseinspector COMMAND --help' for a command's flags.")
}

// NewFlagSet makes a flag set for a command that prints the command's
// usage line and flags on --help, and returns errors instead of exiting.
func NewFlagSet(env *Env, c *Command) *flag.FlagSet {
	fs := flag.NewFlagSet(c.Name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: sseinspector %s %s\n\n%s\n\nFlags:\n", c.Name, c.Usage, c.Summary)
		printFlags(fs)
	}
	return fs
}

// ParseFlags parses args, whose flags may come before, between or after
// the positional arguments, and returns the positional ones. On --help it
// prints usage to stdout and returns done with ExitOK; on a bad flag it
// prints a one-line error and the usage to stderr and returns done with
// ExitUsage.
func ParseFlags(env *Env, fs *flag.FlagSet, args []string) (positional []string, done bool, code int) {
	positional, err := cmdline.Parse(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(env.Stdout)
		fs.Usage()
		fs.SetOutput(env.Stderr)
		return nil, true, ExitOK
	case err != nil:
		fmt.Fprintf(env.Stderr, "sseinspector %s: %v\n", fs.Name(), err)
		fs.Usage()
		return nil, true, ExitUsage
	}
	return positional, false, ExitOK
}

// UsageError prints a one-line error and the command's usage, and returns ExitUsage.
func UsageError(env *Env, fs *flag.FlagSet, format string, a ...any) int {
	fmt.Fprintf(env.Stderr, "sseinspector %s: %s\n", fs.Name(), fmt.Sprintf(format, a...))
	fs.Usage()
	return ExitUsage
}

// printFlags lists the flags with each short spelling beside its long one,
// instead of twice as the flag package would.
func printFlags(fs *flag.FlagSet) {
	short := map[string]string{}
	for s, l := range cmdline.Shorthands {
		if fs.Lookup(s) != nil && fs.Lookup(l) != nil {
			short[l] = s
		}
	}
	out := fs.Output()
	fs.VisitAll(func(f *flag.Flag) {
		if l, isShort := cmdline.Long(f.Name); isShort && short[l] == f.Name {
			return
		}
		placeholder, usage := flag.UnquoteUsage(f)
		if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); isBool {
			placeholder = ""
		}
		names := "--" + f.Name
		if len(f.Name) == 1 {
			names = "-" + f.Name
		}
		if s, ok := short[f.Name]; ok {
			names = "-" + s + ", " + names
		}
		if placeholder != "" {
			names += " " + placeholder
		}
		if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "0s" && f.DefValue != "false" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(out, "  %s\n    \t%s\n", names, usage)
	})
}
