package proxytap

import (
	"fmt"
	"strings"
)

// ChromiumArgs are the flags that make one Chromium run use the tap at
// proxyAddr and accept the certificates it mints, which all share one key
// whose SPKI hash is spkiHash. Chromium ignores
// --ignore-certificate-errors-spki-list unless --user-data-dir names a
// profile of its own, so profileDir is required: a new, empty directory
// keeps the user's everyday profile out of it.
func ChromiumArgs(proxyAddr, spkiHash, profileDir string) []string {
	return []string{
		"--user-data-dir=" + profileDir,
		"--proxy-server=http://" + proxyAddr,
		// Chromium bypasses the proxy for loopback by default; the tap
		// should see local sites too.
		"--proxy-bypass-list=<-loopback>",
		"--ignore-certificate-errors-spki-list=" + spkiHash,
	}
}

// ChromiumCommand is ChromiumArgs as a shell command line starting
// "chromium", on a new temporary profile made by mktemp. It is what
// "sseinspector ca", the tap command and the desktop window print, and
// what the README quotes.
func ChromiumCommand(proxyAddr, spkiHash string) string {
	args := ChromiumArgs(proxyAddr, spkiHash, `"$(mktemp -d)"`)
	for i, a := range args {
		if name, value, ok := strings.Cut(a, "="); ok && strings.ContainsAny(value, "<>") {
			args[i] = name + "='" + value + "'"
		}
	}
	return "chromium " + strings.Join(args[:3], " ") + " \\\n  " + strings.Join(args[3:], " ")
}

// TrustInstructions tells how to make a browser accept the tap's
// certificates, for a proxy listening on proxyAddr: the one text the
// command line and the desktop window show.
func (ca *CA) TrustInstructions(proxyAddr string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CA certificate: %s\n", ca.CertPath())
	fmt.Fprintf(&b, "Leaf key SPKI hash (sha256, base64): %s\n\n", ca.spki)
	b.WriteString("Chromium, for one browser run on a fresh profile, without touching any trust store\n")
	b.WriteString("(every certificate the tap mints shares one key; Chromium ignores the hash without --user-data-dir):\n")
	fmt.Fprintf(&b, "  %s\n\n", strings.ReplaceAll(ChromiumCommand(proxyAddr, ca.spki), "\n", "\n  "))
	b.WriteString("Chromium and Firefox on Linux, trusting the CA in the user's NSS database:\n")
	fmt.Fprintf(&b, "  certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n sseinspector -i %s\n\n", ca.CertPath())
	b.WriteString("The CA was generated on this computer and its key never leaves it; remove the\n")
	fmt.Fprintf(&b, "trust entry (certutil -d sql:$HOME/.pki/nssdb -D -n sseinspector) and %s to revoke it.\n", ca.dir)
	return b.String()
}
