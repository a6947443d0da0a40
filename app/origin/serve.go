package origin

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// shutdownGrace bounds how long Serve waits for responses to finish after
// its context ended.
const shutdownGrace = 5 * time.Second

// Serve serves the origin on ln until ctx ends, then ends every open stream
// cleanly (with the last chunk, so clients see an end rather than a broken
// connection) and returns nil. It returns an error if serving failed.
func Serve(ctx context.Context, ln net.Listener, opts Options) error {
	srv := &http.Server{
		Handler: New(opts),
		// Streams run until their request's context ends; deriving every
		// request from ctx ends them all when ctx does, which Shutdown
		// alone would wait for forever.
		BaseContext:       func(net.Listener) context.Context { return ctx },
		ReadHeaderTimeout: 10 * time.Second,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve origin on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		srv.Close()
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve origin on %s: %w", ln.Addr(), err)
	}
	return nil
}
