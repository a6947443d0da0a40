package inspectortest

import (
	"bufio"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// WireScript is a raw TCP server on loopback that answers its first
// connection byte for byte: after reading the request head it writes the
// response head and the first body piece in one write, then each further
// piece in one write when the test calls Next, then closes. It bypasses
// net/http's framing, so a test decides exactly where each network read
// of the client ends.
type WireScript struct {
	// URL is http://host:port/ of the server.
	URL string
	// Request is the head of the request the server answered, available
	// once Next returned.
	Request *http.Request

	t      testing.TB
	pieces []string
	conn   chan net.Conn
	c      net.Conn
	next   int
}

// SSEHead is a chunked event-stream response head.
const SSEHead = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"

// StartWireScript starts a server answering with head followed by the
// pieces; pieces[0] goes out with the head.
func StartWireScript(t testing.TB, head string, pieces ...string) *WireScript {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("wire script: listen: %v", err)
	}
	s := &WireScript{URL: "http://" + ln.Addr().String() + "/", t: t,
		pieces: append([]string{head + first(pieces)}, rest(pieces)...), conn: make(chan net.Conn, 1)}
	go func() {
		c, err := ln.Accept()
		ln.Close()
		if err != nil {
			close(s.conn)
			return
		}
		s.conn <- c
	}()
	t.Cleanup(func() {
		ln.Close()
		if s.c != nil {
			s.c.Close()
		}
	})
	return s
}

func first(p []string) string {
	if len(p) == 0 {
		return ""
	}
	return p[0]
}

func rest(p []string) []string {
	if len(p) == 0 {
		return nil
	}
	return p[1:]
}

// Next writes the next piece (the head and the first piece on the first
// call, after waiting for the request) and returns when the write
// returned. After the last piece it closes the connection. It reports
// whether pieces remain.
func (s *WireScript) Next() (more bool) {
	s.t.Helper()
	if s.c == nil {
		select {
		case c, ok := <-s.conn:
			if !ok {
				s.t.Fatal("wire script: no connection")
			}
			s.c = c
		case <-time.After(10 * time.Second):
			s.t.Fatal("wire script: no client connected")
		}
		req, err := http.ReadRequest(bufio.NewReader(s.c))
		if err != nil {
			s.t.Fatalf("wire script: read request: %v", err)
		}
		s.Request = req
	}
	if s.next >= len(s.pieces) {
		return false
	}
	if _, err := s.c.Write([]byte(s.pieces[s.next])); err != nil {
		s.t.Fatalf("wire script: write piece %d: %v", s.next, err)
	}
	s.next++
	if s.next == len(s.pieces) {
		s.c.Close()
	}
	return s.next < len(s.pieces)
}

// Chunk frames data as one HTTP/1.1 chunk.
func Chunk(data string) string {
	return strconv.FormatInt(int64(len(data)), 16) + "\r\n" + data + "\r\n"
}
