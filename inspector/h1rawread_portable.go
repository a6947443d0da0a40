//go:build !linux || race

package inspector

import (
	"io"
	"net"
)

// rawReader is only used on Linux, and not under the race detector,
// which learns from read(2) and write(2) made through package syscall
// that what one goroutine wrote over a connection another read.
// Elsewhere connections are read through net.Conn.
type rawReader struct{}

func newRawReader(net.Conn) (*rawReader, bool) { return nil, false }

func (r *rawReader) Read([]byte) (int, error) { return 0, io.EOF }
