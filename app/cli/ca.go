package cli

import (
	"context"
	"fmt"

	"github.com/sseinspector/sseinspector/proxytap"
)

func init() {
	Register(&Command{
		Name:    "ca",
		Usage:   "[--ca-dir DIR]",
		Summary: "print the tap's HTTPS interception CA and how to make a browser trust it",
		Run:     runCA,
	})
}

func runCA(ctx context.Context, env *Env, args []string) int {
	fs := NewFlagSet(env, Lookup("ca"))
	caDir := fs.String("ca-dir", "", "directory of the CA (default: sseinspector/ in the user configuration directory); created on first use")
	listen := fs.String("listen", proxytap.DefaultListen, "the tap's address, for the browser command line printed")
	if done, code := ParseFlags(env, fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		return UsageError(env, fs, "unexpected argument %q", fs.Arg(0))
	}
	ca, err := proxytap.LoadOrCreateCA(*caDir)
	if err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector ca: %v\n", err)
		return ExitFailure
	}
	fmt.Fprint(env.Stdout, ca.TrustInstructions(*listen))
	fmt.Fprintf(env.Stdout, "\n%s", ca.CertPEM())
	return ExitOK
}
