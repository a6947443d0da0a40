package proxytap

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// chromiumCommandIn returns the Chromium command line of trust
// instructions, its continuation line included.
func chromiumCommandIn(t *testing.T, instructions string) string {
	t.Helper()
	i := strings.Index(instructions, "  chromium ")
	if i < 0 {
		t.Fatalf("no chromium command in:\n%s", instructions)
	}
	var lines []string
	for _, line := range strings.SplitAfter(instructions[i:], "\n") {
		lines = append(lines, line)
		if !strings.HasSuffix(line, "\\\n") {
			break
		}
	}
	return strings.TrimSpace(strings.Join(lines, ""))
}

func TestTrustInstructionsNameTheProfileFlag(t *testing.T) {
	ca, err := LoadOrCreateCA(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cmd := chromiumCommandIn(t, ca.TrustInstructions("127.0.0.1:8090"))
	for _, want := range []string{`--user-data-dir="$(mktemp -d)"`, "--proxy-server=http://127.0.0.1:8090",
		"--proxy-bypass-list='<-loopback>'", "--ignore-certificate-errors-spki-list=" + ca.LeafSPKIHash()} {
		if !strings.Contains(cmd, want) {
			t.Errorf("command lacks %s:\n%s", want, cmd)
		}
	}
}

// TestREADMEQuotesTheChromiumCommand keeps the README's command the one
// the program prints.
func TestREADMEQuotesTheChromiumCommand(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if want := ChromiumCommand("127.0.0.1:8090", "HASH"); !strings.Contains(string(readme), want) {
		t.Errorf("README does not quote the printed command:\n%s", want)
	}
}

// TestChromiumWithThePrintedTrustCommand runs the Chromium command the
// trust instructions print, through a shell as a user pasting it would,
// and checks that an HTTPS page through the forward tap loads and streams.
// Only the test's own flags (headless, DevTools, the test host's address)
// are appended.
func TestChromiumWithThePrintedTrustCommand(t *testing.T) {
	requireChromium(t)
	sh := inspectortest.Require(t, "sh", "dash")
	origin, originRoots := newTLSOrigin(t, "origin.test", countingOrigin().ServeHTTP)
	tap, sess, tapURL := startTap(t, Config{DialContext: mapHostsDialer("origin.test"), UpstreamTLS: tlsRoots(originRoots)})
	printed := chromiumCommandIn(t, tap.CA().TrustInstructions(strings.TrimPrefix(tapURL, "http://")))
	pageURL := "https://origin.test:" + portOf(t, origin.URL) + "/"
	extra := append(append([]string{}, chromiumHeadless...), "--host-resolver-rules=MAP origin.test 127.0.0.1", pageURL)
	cmd := exec.Command(sh, append([]string{"-c", "exec " + printed + ` "$@"`, "sh"}, extra...)...)
	// mktemp -d makes the profile in TMPDIR: one the test removes.
	cmd.Env = append(os.Environ(), "TMPDIR="+scratchDir(t), "PATH=/usr/bin:"+os.Getenv("PATH"))
	b := launchChromium(t, cmd)
	title := b.waitTitleAtLeast(t, 3, 20*time.Second)
	t.Logf("page title %s", title)
	checkCountingLane(t, sess, pageURL+"event")
}
