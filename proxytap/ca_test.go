package proxytap

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCAIsCreatedOnceAndKeptPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sseinspector")
	ca, err := LoadOrCreateCA(dir)
	if err != nil {
		t.Fatal(err)
	}
	for name, mode := range map[string]os.FileMode{CAKeyFile: 0o600, LeafKeyFile: 0o600, CACertFile: 0o644} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != mode {
			t.Errorf("%s has mode %04o, want %04o", name, st.Mode().Perm(), mode)
		}
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0o700 {
		t.Errorf("CA directory mode %04o, want 0700", st.Mode().Perm())
	}
	cert := ca.Cert()
	if !cert.IsCA || cert.PublicKeyAlgorithm != x509.ECDSA || !strings.Contains(cert.Subject.CommonName, "SSE Inspector") {
		t.Errorf("CA certificate: IsCA %v algorithm %v subject %q", cert.IsCA, cert.PublicKeyAlgorithm, cert.Subject)
	}

	again, err := LoadOrCreateCA(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.CertPEM(), ca.CertPEM()) || again.LeafSPKIHash() != ca.LeafSPKIHash() {
		t.Error("loading the CA again gave a different CA or leaf key")
	}
	other, err := LoadOrCreateCA(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(other.CertPEM(), ca.CertPEM()) || other.LeafSPKIHash() == ca.LeafSPKIHash() {
		t.Error("two installations share a CA or leaf key: it must be generated, not built in")
	}
}

func TestLeavesShareOneKeyAndVerifyAgainstTheCA(t *testing.T) {
	ca, err := LoadOrCreateCA(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca.Cert())
	for _, host := range []string{"origin.test:443", "API.Example.com.", "127.0.0.1", "[::1]:8443"} {
		leaf, err := ca.Leaf(host)
		if err != nil {
			t.Fatalf("Leaf(%q): %v", host, err)
		}
		name := normalizeHost(host)
		if _, err := leaf.Leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: name}); err != nil {
			t.Errorf("leaf for %q does not verify as %q: %v", host, name, err)
		}
		spki := sha256.Sum256(leaf.Leaf.RawSubjectPublicKeyInfo)
		if got := base64.StdEncoding.EncodeToString(spki[:]); got != ca.LeafSPKIHash() {
			t.Errorf("leaf for %q has SPKI hash %s, want the shared %s", host, got, ca.LeafSPKIHash())
		}
	}
	a, _ := ca.Leaf("origin.test")
	b, _ := ca.Leaf("ORIGIN.test:8443")
	if a != b {
		t.Error("the same host minted twice: leaves must be cached per host")
	}
}

func TestCARefusesHalfAnInstallationAndLooseKeys(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadOrCreateCA(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, CAKeyFile), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateCA(dir); err == nil || !strings.Contains(err.Error(), "readable by other users") {
		t.Errorf("a world-readable CA key was accepted: %v", err)
	}
	os.Chmod(filepath.Join(dir, CAKeyFile), 0o600)
	if err := os.Remove(filepath.Join(dir, CACertFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateCA(dir); err == nil || !strings.Contains(err.Error(), "only one of") {
		t.Errorf("a CA key without its certificate was silently replaced: %v", err)
	}
}
