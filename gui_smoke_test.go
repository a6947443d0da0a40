package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// TestDesktopDemoSmoke launches the real binary on the demo under Xvfb,
// takes screenshots of the screen and reads them back with OCR until the
// window shows both lanes and the buffering finding. It checks what a user
// would see, not the app's state.
func TestDesktopDemoSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("launches the desktop app under Xvfb; skipped with -short")
	}
	for tool, pkg := range map[string]string{"Xvfb": "xvfb", "import": "imagemagick", "convert": "imagemagick", "tesseract": "tesseract-ocr"} {
		inspectortest.Require(t, tool, pkg)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "sseinspector")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	display := startXvfb(t, "1280x800x24")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	app := exec.CommandContext(ctx, bin, "demo")
	var logs bytes.Buffer
	app.Stdout, app.Stderr = &logs, &logs
	runtime := filepath.Join(dir, "run")
	os.Mkdir(runtime, 0o700)
	app.Env = append(os.Environ(), "DISPLAY="+display, "HOME="+dir, "XDG_RUNTIME_DIR="+runtime, "XDG_CONFIG_HOME="+filepath.Join(dir, "config"))
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- app.Wait() }()
	defer func() {
		cancel()
		<-exited
	}()

	want := []string{"direct", "via buffering proxy", "buffers the stream"}
	shot := filepath.Join(dir, "shot.png")
	var text string
	deadline := time.Now().Add(90 * time.Second)
	for {
		select {
		case err := <-exited:
			t.Fatalf("the app exited: %v\n%s", err, logs.String())
		default:
		}
		if err := exec.Command("import", "-display", display, "-window", "root", shot).Run(); err == nil {
			text = ocr(t, shot)
			if containsAll(text, want) {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 90 s the screen does not show %q; OCR read:\n%s\nlogs:\n%s", want, text, logs.String())
		}
		time.Sleep(2 * time.Second) // polling the screen: there is no event to wait on
	}
	if dst := os.Getenv("SSEI_SCREENSHOT"); dst != "" {
		if b, err := os.ReadFile(shot); err == nil {
			os.WriteFile(dst, b, 0o644)
		}
	}
	if strings.Contains(logs.String(), "Error in Fyne call thread") {
		t.Fatalf("widgets touched off the main goroutine:\n%s", logs.String())
	}
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// ocr reads the text of a screenshot, enlarged and greyed for accuracy.
func ocr(t *testing.T, png string) string {
	t.Helper()
	big := strings.TrimSuffix(png, ".png") + "-ocr.png"
	if out, err := exec.Command("convert", png, "-resize", "200%", "-colorspace", "Gray", big).CombinedOutput(); err != nil {
		t.Fatalf("convert: %v\n%s", err, out)
	}
	out, err := exec.Command("tesseract", big, "-").Output()
	if err != nil {
		t.Fatalf("tesseract: %v", err)
	}
	return string(out)
}

// startXvfb starts a virtual display on a free display number and returns
// its name; Xvfb reports the number it chose on a pipe when it is ready.
func startXvfb(t *testing.T, screen string) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", screen, "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { x.Process.Kill(); x.Wait() })
	num, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	if err != nil {
		t.Fatalf("Xvfb did not report its display: %v", err)
	}
	return fmt.Sprintf(":%s", strings.TrimSpace(num))
}
