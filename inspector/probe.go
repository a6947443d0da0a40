package inspector

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// probeHeaderSize is the size of the oversized header a probe sends: above
// what nginx (8 KiB lines), HAProxy (16 KiB buffers) and Apache (8 KiB
// fields) accept, so that the proxy answers itself instead of passing the
// request on.
const probeHeaderSize = 20 << 10

// probeTimeout bounds a probe: it must not hold up a recording.
const probeTimeout = 2 * time.Second

// ProbeServer sends one side request to the host of rawURL that a proxy
// answers itself (a request with an oversized header) and records the
// answer as a request lane named name: its status, headers and the first
// and last bytes of its page. A proxy that buffers a stream holds the
// stream's headers too, so this answer is how the diagnosis can still
// name it. The probe is one plain request over its own connection.
func ProbeServer(ctx context.Context, sess *Session, rawURL, name string) (*Lane, error) {
	u, err := CheckURL(rawURL)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	lane := sess.AddLane(LaneInfo{Name: name, Kind: LaneRequest, URL: u.String(), Method: http.MethodGet})
	conn := lane.StartConn(sess.Now(), http.MethodGet, u.String(), nil, "")
	resp, page, err := probe(ctx, u)
	if err != nil {
		lane.EndConn(conn, sess.Now(), CauseConnect, err.Error(), 0)
		return lane, fmt.Errorf("probe %s: %w", u.Host, err)
	}
	lane.SetResponse(conn, sess.Now(), resp.StatusCode, resp.Proto, resp.Header)
	lane.sampleBody(conn, page)
	lane.EndConn(conn, sess.Now(), CauseEOF, "", 0)
	lane.SetState(StateClosed, "")
	return lane, nil
}

// probe sends the side request and reads the answer's head and page.
func probe(ctx context.Context, u *url.URL) (*http.Response, []byte, error) {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	host := net.JoinHostPort(u.Hostname(), port)
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return nil, nil, err
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	}
	if u.Scheme == "https" {
		tc := tls.Client(c, &tls.Config{ServerName: u.Hostname()})
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, nil, err
		}
		c = tc
	}
	req := fmt.Sprintf("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: sseinspector-probe\r\nX-Probe: %s\r\nConnection: close\r\n\r\n",
		u.RequestURI(), u.Host, strings.Repeat("p", probeHeaderSize))
	if _, err := io.WriteString(c, req); err != nil {
		// A proxy may answer and close before reading the whole request.
		if resp, page, rerr := readProbe(c); rerr == nil {
			return resp, page, nil
		}
		return nil, nil, err
	}
	return readProbe(c)
}

// readProbe reads a probe's answer: the head and up to 4 KiB of page.
func readProbe(c net.Conn) (*http.Response, []byte, error) {
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	// An answer that is a stream (the request reached an origin) must not
	// hold the probe up: what its first moments show is enough.
	_ = c.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	page, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	return resp, page, nil
}
