package proxytap

import (
	"crypto/x509"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/sseinspector/sseinspector/inspector"
)

func sseHello(w http.ResponseWriter, r *http.Request) {
	sseHeaders(w)
	writePieces(w, "id: 1\ndata: hello\n\n", "data: bye\n\n")
}

func TestForwardPlainHTTP(t *testing.T) {
	origin := newOrigin(t, sseHello)
	_, sess, tapURL := startTap(t, Config{DialContext: mapHostsDialer("origin.test")})
	target := "http://origin.test:" + portOf(t, origin.URL) + "/ev"

	resp := getStream(t, proxyClient(t, tapURL, nil), target)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(body) != "id: 1\ndata: hello\n\ndata: bye\n\n" {
		t.Fatalf("through the forward proxy: %q, %v", body, err)
	}
	snap := waitFor(t, sess, "the stream's end", connsEnded(inspector.LaneTap, 1))
	l := laneOfKind(snap, inspector.LaneTap)
	if l.Info.URL != target || l.Len() != 2 {
		t.Errorf("lane URL %q with %d events, want %q with 2", l.Info.URL, l.Len(), target)
	}
}

func TestForwardInterceptsHTTPS(t *testing.T) {
	origin, originRoots := newTLSOrigin(t, "origin.test", sseHello)
	tap, sess, tapURL := startTap(t, Config{DialContext: mapHostsDialer("origin.test"), UpstreamTLS: tlsRoots(originRoots)})
	tapRoots := x509.NewCertPool()
	tapRoots.AddCert(tap.CA().Cert())
	target := "https://origin.test:" + portOf(t, origin.URL) + "/ev"

	resp := getStream(t, proxyClient(t, tapURL, tapRoots), target)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || !strings.Contains(string(body), "data: bye") {
		t.Fatalf("through the interception: %q, %v", body, err)
	}
	if issuer := resp.TLS.PeerCertificates[0].Issuer.CommonName; issuer != tap.CA().Cert().Subject.CommonName {
		t.Errorf("browser saw a certificate issued by %q, want the tap's CA", issuer)
	}
	snap := waitFor(t, sess, "the stream's end", connsEnded(inspector.LaneTap, 1))
	l := laneOfKind(snap, inspector.LaneTap)
	c := l.Conns[0]
	if l.Info.URL != target || c.Status != 200 || c.Proto != "HTTP/2.0" || l.Len() != 2 || c.Cause != inspector.CauseEOF {
		t.Errorf("lane %q: status %d proto %q, %d events, cause %q; want %q, 200 HTTP/2.0 (the origin's), 2, eof",
			l.Info.URL, c.Status, c.Proto, l.Len(), c.Cause, target)
	}

	// Clients that do not trust the tap's CA are refused, not silently served.
	if _, err := proxyClient(t, tapURL, originRoots).Get(target); err == nil {
		t.Error("a client trusting only the origin's CA accepted the intercepted connection")
	}
}

func TestForwardExcludedHostsAreTunnelledOpaquely(t *testing.T) {
	origin, originRoots := newTLSOrigin(t, "origin.test", sseHello)
	_, sess, tapURL := startTap(t, Config{DialContext: mapHostsDialer("origin.test"), Exclude: []string{"test"}})
	target := "https://origin.test:" + portOf(t, origin.URL) + "/ev"

	// Trusting only the origin's CA works: the TLS is end to end.
	resp := getStream(t, proxyClient(t, tapURL, originRoots), target)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || !strings.Contains(string(body), "data: bye") {
		t.Fatalf("through the tunnel: %q, %v", body, err)
	}
	if n := len(sess.Snapshot().Lanes); n != 0 {
		t.Errorf("an excluded host was recorded in %d lanes", n)
	}
}

func TestForwardProxyServesItsCACertificate(t *testing.T) {
	tap, _, tapURL := startTap(t, Config{})
	resp, err := rawClient().Get(tapURL + "/ca.pem")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != string(tap.CA().CertPEM()) {
		t.Errorf("/ca.pem served %q", body)
	}
}
