package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/sseinspector/sseinspector/proxytap"
)

func runCA(ctx context.Context, env *Env, fs *flag.FlagSet, args []string) int {
	caDir := fs.String("ca-dir", "", "directory of the CA (default: sseinspector/ in the user configuration directory); created on first use")
	listen := fs.String("listen", proxytap.DefaultListen, "the tap's address, for the browser command line printed")
	rest, done, code := ParseFlags(env, fs, args)
	if done {
		return code
	}
	if len(rest) > 0 {
		return UsageError(env, fs, "unexpected argument %q", rest[0])
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
