package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// Command is one subcommand.
type Command struct {
	Name    string // as typed: "watch"
	Usage   string // one line after the name: "[flags] URL..."
	Summary string // one line for the command list
	// Aliases maps short flag names to the long ones sharing their
	// variable, so --help lists "-H, --header" once.
	Aliases map[string]string
	// Run executes the command. ctx is cancelled on SIGINT/SIGTERM. It
	// returns the process exit code.
	Run func(ctx context.Context, env *Env, args []string) int
}

// Env is what a command talks to: its output streams. Tests substitute them.
type Env struct {
	Stdout io.Writer
	Stderr io.Writer
}

var commands = map[string]*Command{}

// Register adds a subcommand; each command file registers itself in init.
func Register(c *Command) {
	if _, dup := commands[c.Name]; dup {
		panic("cli: duplicate command " + c.Name)
	}
	commands[c.Name] = c
}

// Lookup returns the named command, or nil.
func Lookup(name string) *Command { return commands[name] }

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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, env, args)
}

// Run is Main with an explicit context and environment.
func Run(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			if c := Lookup(args[1]); c != nil {
				return c.Run(ctx, env, []string{"--help"})
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
	return c.Run(ctx, env, args[1:])
}

// PrintUsage lists the commands.
func PrintUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: sseinspector [COMMAND] [flags]")
	fmt.Fprintln(w, "\nWith no command, opens the desktop inspector; 'sseinspector demo' opens it on the")
	fmt.Fprintln(w, "built-in demo (direct vs a buffering proxy), 'sseinspector open SESSION' on a saved session.")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].Summary)
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
		printFlags(fs, c.Aliases)
	}
	return fs
}

// ParseFlags parses args; on --help it prints usage to stdout and returns
// done with ExitOK; on a bad flag it prints a one-line error and the usage
// to stderr and returns done with ExitUsage.
func ParseFlags(env *Env, fs *flag.FlagSet, args []string) (done bool, code int) {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(env.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(env.Stdout)
		fs.Usage()
		return true, ExitOK
	case err != nil:
		fmt.Fprintf(env.Stderr, "sseinspector %s: %v\n", fs.Name(), err)
		fs.Usage()
		return true, ExitUsage
	}
	return false, ExitOK
}

// UsageError prints a one-line error and the command's usage, and returns ExitUsage.
func UsageError(env *Env, fs *flag.FlagSet, format string, a ...any) int {
	fmt.Fprintf(env.Stderr, "sseinspector %s: %s\n", fs.Name(), fmt.Sprintf(format, a...))
	fs.Usage()
	return ExitUsage
}

// HeaderFlag is a repeatable "Name: value" flag.
type HeaderFlag []string

// String lists the headers given so far.
func (h *HeaderFlag) String() string { return strings.Join(*h, ", ") }

// Set validates and appends one header.
func (h *HeaderFlag) Set(v string) error {
	name, _, ok := strings.Cut(v, ":")
	if !ok || strings.TrimSpace(name) == "" || strings.ContainsAny(name, " \t") {
		return fmt.Errorf("header %q: want \"Name: value\"", v)
	}
	*h = append(*h, v)
	return nil
}

// printFlags lists the flags with each short spelling beside its long one,
// instead of twice as the flag package would.
func printFlags(fs *flag.FlagSet, aliases map[string]string) {
	short := map[string]string{}
	for s, l := range aliases {
		short[l] = s
	}
	out := fs.Output()
	fs.VisitAll(func(f *flag.Flag) {
		if _, isShort := aliases[f.Name]; isShort {
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
