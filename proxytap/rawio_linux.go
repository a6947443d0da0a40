package proxytap

import (
	"io"
	"net"
	"os"
	"syscall"
	"unsafe"
)

// quietConn is a TCP connection whose reads and writes are made with
// syscall.RawSyscall on its non-blocking socket, waiting in the network
// poller as usual when the socket has nothing to give or take.
//
// Why: Go's ordinary syscall path (entersyscall) wakes the runtime's
// monitor thread whenever a goroutine makes a system call after the whole
// process was idle, and that thread then polls every 20 µs for a while. A
// tap that forwards one event every few milliseconds is idle between
// events, so every event paid a futex wake on its way from upstream to
// browser, and the monitor's polling took CPU from the very processes the
// event was going to. A read or write on a non-blocking socket never
// blocks, so the monitor has nothing to watch over.
type quietConn struct {
	*net.TCPConn
	raw syscall.RawConn
}

// quiet returns c with quiet reads and writes when it is a TCP connection,
// else c itself.
func quiet(c net.Conn) net.Conn {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return c
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return c
	}
	return &quietConn{TCPConn: tc, raw: raw}
}

func (c *quietConn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, err := c.transfer(c.raw.Read, syscall.SYS_READ, "read", p)
	if err == nil && n == 0 {
		return 0, io.EOF
	}
	return n, err
}

func (c *quietConn) Write(p []byte) (int, error) {
	written := 0
	for written < len(p) {
		n, err := c.transfer(c.raw.Write, syscall.SYS_WRITE, "write", p[written:])
		if err != nil {
			return written, err
		}
		written += n
	}
	return written, nil
}

// transfer makes one read or write system call (trap) on p, which is not
// empty, through wait (the raw connection's Read or Write), which parks
// in the network poller while the socket has nothing to give or take.
func (c *quietConn) transfer(wait func(func(fd uintptr) bool) error, trap uintptr, op string, p []byte) (int, error) {
	var n int
	var errno syscall.Errno
	err := wait(func(fd uintptr) bool {
		for {
			r, _, e := syscall.RawSyscall(trap, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
			switch e {
			case syscall.EINTR:
				continue
			case syscall.EAGAIN:
				return false
			}
			n, errno = int(r), e
			return true
		}
	})
	switch {
	case err != nil:
		return 0, c.opError(op, err)
	case errno != 0:
		return 0, c.opError(op, os.NewSyscallError(op, errno))
	}
	return n, nil
}

func (c *quietConn) opError(op string, err error) error {
	return &net.OpError{Op: op, Net: "tcp", Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: err}
}

// quietListener accepts quiet connections.
type quietListener struct{ net.Listener }

func (l quietListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return quiet(c), nil
}
