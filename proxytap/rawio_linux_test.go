package proxytap

import (
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"
)

// quietPair returns a quiet connection and its plain peer, over loopback.
func quietPair(t *testing.T) (q, peer net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	peer = <-accepted
	if peer == nil {
		t.Fatal("accept failed")
	}
	q = quiet(c)
	if _, ok := q.(*quietConn); !ok {
		t.Fatalf("quiet(%T) = %T, want *quietConn", c, q)
	}
	t.Cleanup(func() { q.Close(); peer.Close() })
	return q, peer
}

func TestQuietConnReadsAndWrites(t *testing.T) {
	q, peer := quietPair(t)
	// A write larger than the socket buffers must wait for the peer and
	// still arrive whole.
	big := make([]byte, 8<<20)
	for i := range big {
		big[i] = byte(i * 7)
	}
	got := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(io.LimitReader(peer, int64(len(big))))
		got <- b
	}()
	n, err := q.Write(big)
	if err != nil || n != len(big) {
		t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(big))
	}
	if b := <-got; string(b) != string(big) {
		t.Fatalf("peer read %d bytes, not what was written", len(b))
	}
	// A read waits for data, returns what arrived, then EOF at the close.
	go func() {
		peer.Write([]byte("data: one\n\n"))
		peer.Close()
	}()
	b, err := io.ReadAll(q)
	if err != nil || string(b) != "data: one\n\n" {
		t.Fatalf("ReadAll = %q, %v", b, err)
	}
}

func TestQuietConnDeadlineIsATimeout(t *testing.T) {
	q, _ := quietPair(t)
	q.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	_, err := q.Read(make([]byte, 10))
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Read past the deadline = %v, want a timeout", err)
	}
}

func TestQuietConnResetAndClosed(t *testing.T) {
	q, peer := quietPair(t)
	// SO_LINGER 0: the peer's close sends a reset.
	peer.(*net.TCPConn).SetLinger(0)
	peer.Close()
	_, err := q.Read(make([]byte, 10))
	var oe *net.OpError
	if !errors.Is(err, syscall.ECONNRESET) || !errors.As(err, &oe) || oe.Op != "read" {
		t.Fatalf("Read after a reset = %v, want a read OpError wrapping ECONNRESET", err)
	}
	q.Close()
	if _, err := q.Read(make([]byte, 10)); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Read after Close = %v, want net.ErrClosed", err)
	}
	if _, err := q.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Write after Close = %v, want net.ErrClosed", err)
	}
}

// TestQuietConnWritesAChunkInPieces writes chunks larger than the socket
// buffers, so that writev returns part of them: every byte of the size
// line, the data and the CRLF arrives, once and in order.
func TestQuietConnWritesAChunkInPieces(t *testing.T) {
	q, peer := quietPair(t)
	big := make([]byte, 8<<20)
	for i := range big {
		big[i] = byte(i * 13)
	}
	small := []byte("data: x\n\n")
	want := "800000\r\n" + string(big) + "\r\n" + "9\r\n" + string(small) + "\r\n"
	got := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(io.LimitReader(peer, int64(len(want))))
		got <- b
	}()
	for _, p := range [][]byte{big, small} {
		if err := q.(*quietConn).writeChunk(p); err != nil {
			t.Fatalf("writeChunk(%d bytes): %v", len(p), err)
		}
	}
	if b := <-got; string(b) != want {
		t.Fatalf("peer read %d bytes, want the %d of two chunks", len(b), len(want))
	}
}
