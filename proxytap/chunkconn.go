package proxytap

import (
	"context"
	"net"
)

// chunkConn is a browser connection a stream's chunks can be written to
// directly: the quiet connection on Linux.
type chunkConn interface {
	// writeChunk writes p, which is not empty, as one HTTP/1.1 chunk.
	writeChunk(p []byte) error
}

// connKey is the context key of the browser's connection, when it is a
// chunkConn.
type connKey struct{}

// withConn is the tap server's ConnContext: it keeps the browser's
// connection in the context when it can take chunks directly.
func withConn(ctx context.Context, c net.Conn) context.Context {
	if cc, ok := c.(chunkConn); ok {
		return context.WithValue(ctx, connKey{}, cc)
	}
	return ctx
}
