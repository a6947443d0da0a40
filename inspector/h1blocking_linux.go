package inspector

import (
	"io"
	"net"
	"syscall"
)

// blockingReader reads a plain TCP connection with blocking read(2)
// calls made by the reading goroutine's own thread. A body read then
// wakes straight from the kernel when bytes arrive, like an event loop
// waking from epoll, instead of going through Go's netpoller, which on a
// busy machine adds the time to hand a ready socket to a runnable
// goroutine and that goroutine to a thread. It costs one OS thread per
// body waiting for bytes.
//
// Deadlines do not apply in blocking mode: shutdown wakes a blocked read.
type blockingReader struct {
	tc  *net.TCPConn
	raw syscall.RawConn
}

// newBlockingReader switches the connection's socket to blocking mode;
// ok is false (and nothing changed) when that is not possible.
func newBlockingReader(c net.Conn) (*blockingReader, bool) {
	tc, isTCP := c.(*net.TCPConn)
	if !isTCP {
		return nil, false
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return nil, false
	}
	var serr error
	if err := raw.Control(func(fd uintptr) { serr = syscall.SetNonblock(int(fd), false) }); err != nil || serr != nil {
		return nil, false
	}
	return &blockingReader{tc: tc, raw: raw}, true
}

func (b *blockingReader) Read(p []byte) (int, error) {
	var n int
	var rerr error
	err := b.raw.Read(func(fd uintptr) bool {
		for {
			n, rerr = syscall.Read(int(fd), p)
			if rerr != syscall.EINTR {
				return true
			}
		}
	})
	if err != nil {
		return 0, err
	}
	if rerr != nil {
		return 0, &net.OpError{Op: "read", Net: "tcp", Source: b.tc.LocalAddr(), Addr: b.tc.RemoteAddr(), Err: rerr}
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

// wake makes a blocked Read return (at end of file).
func (b *blockingReader) wake() { b.tc.CloseRead() }
