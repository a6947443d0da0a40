package cli

import (
	"context"
	"fmt"

	"github.com/sseinspector/sseinspector/inspector"
)

// probeProxy sends the side request that lets the diagnosis name the proxy
// in front of the proxied stream even when it held the stream's headers:
// one request the proxy answers itself, recorded as a request lane. A
// failed probe only costs the name, so it is reported and not fatal. The
// lane is named after the stream's lane: "proxied (side request)".
func probeProxy(ctx context.Context, env *Env, sess *inspector.Session, url, lane string) {
	if _, err := inspector.ProbeServer(ctx, sess, url, lane+" (side request)"); err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector compare: side request to name the proxy failed: %v\n", err)
	}
}
