package proxytap

import (
	"io"
	"net"
	"os"
	"strconv"
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
	// writeChunk's scratch: a chunk's size line and the vector of its
	// pieces. A connection has one writer at a time.
	head [18]byte
	iov  [3]syscall.Iovec
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
	n, err := c.transfer(c.raw.Read, syscall.SYS_READ, "read", unsafe.Pointer(&p[0]), uintptr(len(p)))
	if err == nil && n == 0 {
		return 0, io.EOF
	}
	return n, err
}

func (c *quietConn) Write(p []byte) (int, error) {
	written := 0
	for written < len(p) {
		n, err := c.transfer(c.raw.Write, syscall.SYS_WRITE, "write", unsafe.Pointer(&p[written]), uintptr(len(p)-written))
		if err != nil {
			return written, err
		}
		written += n
	}
	return written, nil
}

// writeChunk writes p, which is not empty, as one HTTP/1.1 chunk: its
// size line, the data and the CRLF after it, with a single writev call
// when the socket takes them all.
func (c *quietConn) writeChunk(p []byte) error {
	head := strconv.AppendInt(c.head[:0], int64(len(p)), 16)
	head = append(head, '\r', '\n')
	pieces := [3][]byte{head, p, crlf}
	for first := 0; first < len(pieces); {
		iov := c.iov[:0]
		for _, b := range pieces[first:] {
			v := syscall.Iovec{Base: &b[0]}
			v.SetLen(len(b))
			iov = append(iov, v)
		}
		n, err := c.transfer(c.raw.Write, syscall.SYS_WRITEV, "write", unsafe.Pointer(&iov[0]), uintptr(len(iov)))
		if err != nil {
			return err
		}
		// Skip what was written: whole pieces, then part of the next.
		for first < len(pieces) && n >= len(pieces[first]) {
			n -= len(pieces[first])
			first++
		}
		if first < len(pieces) {
			pieces[first] = pieces[first][n:]
		}
	}
	return nil
}

var crlf = []byte("\r\n")

// transfer makes one system call (trap) with the arguments ptr and n,
// the start and length of a buffer or of an I/O vector, through wait
// (the raw connection's Read or Write), which parks in the network poller
// while the socket has nothing to give or take.
func (c *quietConn) transfer(wait func(func(fd uintptr) bool) error, trap uintptr, op string, ptr unsafe.Pointer, n uintptr) (int, error) {
	var done int
	var errno syscall.Errno
	err := wait(func(fd uintptr) bool {
		for {
			r, _, e := syscall.RawSyscall(trap, fd, uintptr(ptr), n)
			switch e {
			case syscall.EINTR:
				continue
			case syscall.EAGAIN:
				return false
			}
			done, errno = int(r), e
			return true
		}
	})
	switch {
	case err != nil:
		return 0, c.opError(op, err)
	case errno != 0:
		return 0, c.opError(op, os.NewSyscallError(op, errno))
	}
	return done, nil
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
