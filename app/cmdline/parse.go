package cmdline

import (
	"flag"
	"io"
)

// Shorthands maps each one-letter flag to the long flag sharing its
// variable. Every command that has one of these long flags has its short
// spelling too, so "-o" means "--output" everywhere.
var Shorthands = map[string]string{"H": "header", "X": "request", "d": "data", "o": "output"}

// Long returns the long spelling of a one-letter flag, and whether it has one.
func Long(short string) (string, bool) {
	l, ok := Shorthands[short]
	return l, ok
}

// StringVar defines a string flag under its long name and, when it has one
// in Shorthands, its one-letter name; both set the same variable.
func StringVar(fs *flag.FlagSet, p *string, long, value, usage string) {
	fs.StringVar(p, long, value, usage)
	if s := short(long); s != "" {
		fs.StringVar(p, s, value, usage)
	}
}

// Var is StringVar for any flag.Value.
func Var(fs *flag.FlagSet, v flag.Value, long, usage string) {
	fs.Var(v, long, usage)
	if s := short(long); s != "" {
		fs.Var(v, s, usage)
	}
}

func short(long string) string {
	for s, l := range Shorthands {
		if l == long {
			return s
		}
	}
	return ""
}

// Parse parses flags that may come before, between or after the
// positional arguments ("compare A B --duration 1s"), which the flag
// package alone stops at, and returns the positional arguments in order.
// Everything after "--" is positional. The error is the flag package's,
// flag.ErrHelp included; fs prints nothing itself.
func Parse(fs *flag.FlagSet, args []string) (positional []string, err error) {
	out := fs.Output()
	fs.SetOutput(io.Discard)
	defer fs.SetOutput(out)
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(positional, rest...), nil
		}
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}
