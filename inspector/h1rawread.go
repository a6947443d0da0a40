//go:build linux && !race

package inspector

import (
	"io"
	"net"
	"syscall"
	"unsafe"
)

// rawReader reads a TCP socket with read(2) issued as a raw system call
// while the runtime's poller waits for readiness. A non-blocking read
// returns at once, so it needs none of the bookkeeping of a system call
// that may block; skipping it spares every read a wake-up of the
// runtime's monitor thread, which a busy machine pays for in latency.
// Deadlines and Close work as for the connection itself.
type rawReader struct {
	tc  *net.TCPConn
	raw syscall.RawConn
}

// newRawReader returns a raw reader of c, or false when c is not a TCP
// connection.
func newRawReader(c net.Conn) (*rawReader, bool) {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return nil, false
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return nil, false
	}
	return &rawReader{tc: tc, raw: raw}, true
}

func (r *rawReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	var n uintptr
	var errno syscall.Errno
	err := r.raw.Read(func(fd uintptr) bool {
		for {
			n, _, errno = syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
			switch errno {
			case syscall.EINTR:
				continue
			case syscall.EAGAIN:
				return false // wait for the poller, then call again
			}
			return true
		}
	})
	if err != nil {
		return 0, &net.OpError{Op: "read", Net: "tcp", Source: r.tc.LocalAddr(), Addr: r.tc.RemoteAddr(), Err: err}
	}
	if errno != 0 {
		return 0, &net.OpError{Op: "read", Net: "tcp", Source: r.tc.LocalAddr(), Addr: r.tc.RemoteAddr(), Err: errno}
	}
	if n == 0 {
		return 0, io.EOF
	}
	return int(n), nil
}
