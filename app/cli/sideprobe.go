package cli

import (
	"context"
	"fmt"

	"github.com/sseinspector/sseinspector/inspector"
)

// startSideRequest sends the side request that lets the diagnosis name the
// proxy in front of the proxied stream even when it held the stream's
// headers: one request the proxy answers itself, recorded as a request
// lane named after the stream's lane ("proxied (side request)"). It runs
// while the streams record, so that it never stretches the recording; the
// function returned waits for it, and reports a failure, which only costs
// the name.
func startSideRequest(ctx context.Context, env *Env, sess *inspector.Session, url, lane string) (wait func()) {
	done := make(chan error, 1)
	go func() {
		_, err := inspector.ProbeServer(ctx, sess, url, lane+" (side request)")
		done <- err
	}()
	return func() {
		if err := <-done; err != nil {
			fmt.Fprintf(env.Stderr, "sseinspector compare: side request to name the proxy failed: %v\n", err)
		}
	}
}
