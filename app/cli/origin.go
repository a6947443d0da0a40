package cli

import (
	"context"
	"flag"
	"fmt"
	"net"
	"strconv"

	"github.com/sseinspector/sseinspector/app/origin"
)

func runOrigin(ctx context.Context, env *Env, fs *flag.FlagSet, args []string) int {
	listen := fs.String("listen", "127.0.0.1:9001", "`address` to listen on")
	rest, done, code := ParseFlags(env, fs, args)
	if done {
		return code
	}
	if len(rest) > 0 {
		return UsageError(env, fs, "unexpected argument %q", rest[0])
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector origin: %v\n", err)
		return ExitFailure
	}
	addr := ln.Addr().(*net.TCPAddr)
	if warning := exposureWarning(addr); warning != "" {
		fmt.Fprintf(env.Stderr, "sseinspector origin: %s\n", warning)
	}
	fmt.Fprintf(env.Stdout, "demo origin on %s (routes: / /event /stamped /quiet); interrupt to stop\n", originURL(addr))
	if err := origin.Serve(ctx, ln, origin.Options{}); err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector origin: %v\n", err)
		return ExitFailure
	}
	return ExitOK
}

// exposureWarning returns a warning when the origin is reachable from
// other machines, or "" when it listens on loopback only.
func exposureWarning(addr *net.TCPAddr) string {
	if addr.IP.IsLoopback() {
		return ""
	}
	return fmt.Sprintf("warning: listening on %s, which is not a loopback address: other machines can reach the origin", addr)
}

// originURL is the URL to open: an unspecified address (all interfaces)
// is reachable locally through loopback.
func originURL(addr *net.TCPAddr) string {
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(addr.Port)) + "/"
}
