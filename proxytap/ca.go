package proxytap

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Files of a CA directory. The private keys are written with mode 0600.
const (
	CACertFile  = "ca.pem"       // the CA certificate, to be trusted by the browser
	CAKeyFile   = "ca-key.pem"   // the CA's private key
	LeafKeyFile = "leaf-key.pem" // the one key pair shared by every minted leaf
)

const (
	caValidity   = 10 * 365 * 24 * time.Hour
	leafValidity = 30 * 24 * time.Hour
	// maxLeaves bounds the leaf cache; a browsing session rarely meets
	// more hosts, and re-minting after a reset is cheap.
	maxLeaves = 4096
)

// CA is the tap's local certificate authority: generated once per
// installation (never built into the program) and used to mint a leaf
// certificate for every intercepted host.
//
// All leaves share one key pair, also generated per installation, so that a
// single SPKI hash (LeafSPKIHash) identifies every leaf: Chromium's
// --ignore-certificate-errors-spki-list matches the leaf's key, and this
// lets one flag cover all hosts without trusting the CA system-wide.
type CA struct {
	dir     string
	cert    *x509.Certificate
	certPEM []byte
	key     *ecdsa.PrivateKey
	leafKey *ecdsa.PrivateKey
	spki    string

	mu     sync.Mutex
	leaves map[string]*tls.Certificate
}

// DefaultCADir is where the CA lives unless configured otherwise:
// os.UserConfigDir()/sseinspector.
func DefaultCADir() (string, error) {
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("locate the CA directory: %w", err)
	}
	return filepath.Join(d, "sseinspector"), nil
}

// LoadOrCreateCA loads the CA kept in dir, creating the directory, the CA
// and the shared leaf key on first use. It refuses to replace half of an
// existing CA, and refuses private keys readable by other users.
func LoadOrCreateCA(dir string) (*CA, error) {
	if dir == "" {
		d, err := DefaultCADir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create CA directory %s: %w", dir, err)
	}
	ca := &CA{dir: dir, leaves: make(map[string]*tls.Certificate)}
	certPath, keyPath := filepath.Join(dir, CACertFile), filepath.Join(dir, CAKeyFile)
	_, certErr := os.Stat(certPath)
	_, keyErr := os.Stat(keyPath)
	switch {
	case errors.Is(certErr, fs.ErrNotExist) && errors.Is(keyErr, fs.ErrNotExist):
		if err := ca.generate(); err != nil {
			return nil, err
		}
	case certErr == nil && keyErr == nil:
		if err := ca.load(); err != nil {
			return nil, err
		}
	case certErr != nil && !errors.Is(certErr, fs.ErrNotExist):
		return nil, fmt.Errorf("CA certificate: %w", certErr)
	case keyErr != nil && !errors.Is(keyErr, fs.ErrNotExist):
		return nil, fmt.Errorf("CA key: %w", keyErr)
	default:
		// A user may already trust this certificate: generating a new pair
		// would silently break that, so say what is missing instead.
		return nil, fmt.Errorf("CA directory %s has only one of %s and %s; remove the other to start afresh", dir, CACertFile, CAKeyFile)
	}
	leafKey, err := loadOrCreateKey(filepath.Join(dir, LeafKeyFile))
	if err != nil {
		return nil, err
	}
	ca.leafKey = leafKey
	spki, err := x509.MarshalPKIXPublicKey(leafKey.Public())
	if err != nil {
		return nil, fmt.Errorf("leaf key: %w", err)
	}
	sum := sha256.Sum256(spki)
	ca.spki = base64.StdEncoding.EncodeToString(sum[:])
	return ca, nil
}

func (ca *CA) generate() error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("generate CA key: %w", err)
	}
	host, _ := os.Hostname()
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject: pkix.Name{
			CommonName:   "SSE Inspector local CA",
			Organization: []string{"SSE Inspector"},
			// Say whose machine minted it, so a trust-store entry is recognizable.
			OrganizationalUnit: []string{"generated on " + host},
		},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(caValidity),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return fmt.Errorf("create CA certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return fmt.Errorf("encode CA key: %w", err)
	}
	// Each file is written atomically; a crash between the two leaves a
	// lone key, which LoadOrCreateCA reports instead of guessing.
	if err := writeFileAtomic(filepath.Join(ca.dir, CAKeyFile), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := writeFileAtomic(filepath.Join(ca.dir, CACertFile), certPEM, 0o644); err != nil {
		return err
	}
	return ca.load()
}

func (ca *CA) load() error {
	certPath := filepath.Join(ca.dir, CACertFile)
	certPEM, err := os.ReadFile(certPath)
	if err != nil {
		return fmt.Errorf("read CA certificate: %w", err)
	}
	block, _ := pem.Decode(certPEM)
	if block == nil || block.Type != "CERTIFICATE" {
		return fmt.Errorf("%s: no PEM certificate", certPath)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return fmt.Errorf("%s: %w", certPath, err)
	}
	key, err := readKey(filepath.Join(ca.dir, CAKeyFile))
	if err != nil {
		return err
	}
	if !key.PublicKey.Equal(cert.PublicKey) {
		return fmt.Errorf("%s does not match %s", CAKeyFile, certPath)
	}
	if !cert.IsCA {
		return fmt.Errorf("%s is not a CA certificate", certPath)
	}
	ca.cert, ca.certPEM, ca.key = cert, certPEM, key
	return nil
}

func loadOrCreateKey(path string) (*ecdsa.PrivateKey, error) {
	key, err := readKey(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate leaf key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode leaf key: %w", err)
	}
	if err := writeFileAtomic(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return nil, err
	}
	return key, nil
}

func readKey(path string) (*ecdsa.PrivateKey, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read key: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s is readable by other users (mode %04o): run chmod 600 on it", path, st.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%s: no PEM key", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	key, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: not an ECDSA key", path)
	}
	return key, nil
}

// writeFileAtomic writes via a temporary file and a rename, so a crash or a
// second process never leaves a half-written key behind.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(perm)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func randomSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(fmt.Sprintf("proxytap: crypto/rand failed: %v", err))
	}
	return n
}

// Dir is the directory holding the CA's files.
func (ca *CA) Dir() string { return ca.dir }

// CertPath is the path of the CA certificate in PEM form.
func (ca *CA) CertPath() string { return filepath.Join(ca.dir, CACertFile) }

// CertPEM is the CA certificate in PEM form.
func (ca *CA) CertPEM() []byte { return append([]byte(nil), ca.certPEM...) }

// Cert is the parsed CA certificate.
func (ca *CA) Cert() *x509.Certificate { return ca.cert }

// LeafSPKIHash is the base64 SHA-256 of the shared leaf key's
// SubjectPublicKeyInfo: the value for Chromium's
// --ignore-certificate-errors-spki-list.
func (ca *CA) LeafSPKIHash() string { return ca.spki }

// Leaf returns the certificate for host (a DNS name or an IP address, with
// or without a port), minting and caching it on first use.
func (ca *CA) Leaf(host string) (*tls.Certificate, error) {
	host = normalizeHost(host)
	if host == "" {
		return nil, errors.New("mint certificate: empty host name")
	}
	ca.mu.Lock()
	defer ca.mu.Unlock()
	if c := ca.leaves[host]; c != nil && time.Until(c.Leaf.NotAfter) > time.Hour {
		return c, nil
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      pkix.Name{CommonName: host},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(leafValidity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if tmpl.NotAfter.After(ca.cert.NotAfter) {
		tmpl.NotAfter = ca.cert.NotAfter
	}
	if ip := net.ParseIP(host); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	} else {
		tmpl.DNSNames = []string{host}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, ca.leafKey.Public(), ca.key)
	if err != nil {
		return nil, fmt.Errorf("mint certificate for %s: %w", host, err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("mint certificate for %s: %w", host, err)
	}
	c := &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: ca.leafKey, Leaf: leaf}
	if len(ca.leaves) >= maxLeaves {
		clear(ca.leaves)
	}
	ca.leaves[host] = c
	return c, nil
}

// normalizeHost strips a port, IPv6 brackets and a trailing dot, and
// lower-cases the name, so one host gets one cached certificate.
func normalizeHost(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	return strings.ToLower(host)
}
