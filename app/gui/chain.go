package gui

import (
	"fmt"
	"io"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/dialog"

	"github.com/sseinspector/sseinspector/app/plot"
	"github.com/sseinspector/sseinspector/app/timeline"
	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/capture"
)

// chainOf returns the lanes the session is analysed along as a chain, or
// nil when there is none or a lane of it was removed.
func (ui *Inspector) chainOf(snap *inspector.Snapshot) []int {
	p := ui.chain.Load()
	if p == nil {
		return nil
	}
	for _, id := range *p {
		if snap.Lane(id) == nil {
			return nil
		}
	}
	return *p
}

// setChain analyses the current session along a chain of lanes, origin
// first; the origin becomes the reference.
func (ui *Inspector) setChain(chain []int) {
	if len(chain) < 2 {
		return
	}
	c := append([]int(nil), chain...)
	ui.chain.Store(&c)
	ui.setReference(c[0])
}

// CompareChain starts a new session with one lane per hop of a chain: the
// origin's URL (with its method, headers and body) and then each hop's URL
// outwards, labelled origin, hop 1, hop 2… unless labels are given.
func (ui *Inspector) CompareChain(origin streamForm, hopURLs, labels []string) error {
	forms := []streamForm{origin}
	for _, u := range hopURLs {
		f := origin
		f.URL = strings.TrimSpace(u)
		forms = append(forms, f)
	}
	names := make([]string, len(forms))
	for i := range forms {
		switch {
		case i < len(labels) && strings.TrimSpace(labels[i]) != "":
			names[i] = strings.TrimSpace(labels[i])
		case i == 0:
			names[i] = "origin"
		default:
			names[i] = fmt.Sprintf("hop %d", i)
		}
		if _, err := forms[i].request(names[i]); err != nil {
			return fmt.Errorf("%s: %w", names[i], err)
		}
	}
	ui.setSession(inspector.NewSession(inspector.Limits{}), "chain")
	ids := make([]int, len(forms))
	for i, f := range forms {
		id, err := ui.AddStream(f, names[i])
		if err != nil {
			return err
		}
		ids[i] = id
	}
	ui.setChain(ids)
	return nil
}

// hopLines splits the dialog's further-hops text: one URL per line.
func hopLines(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// loadRecording reads a session file or a packet capture (told apart by
// its first bytes). For a capture it returns the chain found on a proxy
// host, if any, and a one-line note of what the capture held.
// progress, if not nil, is called as a capture is read.
func loadRecording(path string, progress func(read, total int64)) (sess *inspector.Session, chain []int, note string, err error) {
	if !isCapture(path) {
		sess, err = loadSessionFile(path, progress)
		return sess, nil, "", err
	}
	res, err := capture.ReadFile(path, capture.Options{Progress: progress})
	if err != nil {
		return nil, nil, "", err
	}
	note = fmt.Sprintf("Capture: %d packets, %d TCP connections, %d event streams", res.Packets, res.Connections, res.Streams)
	if n := len(res.TLS); n > 0 {
		note += fmt.Sprintf("; %d TLS connections not decoded (encrypted)", n)
	}
	if n := len(res.Gaps); n > 0 {
		note += fmt.Sprintf("; %d gaps where the capture misses bytes", n)
	}
	if res.Truncated {
		note += "; the file was cut short"
	}
	if len(res.Chains) > 0 {
		chain = res.Chains[0]
		note += "; one stream on both sides of a proxy, shown as a chain"
	}
	return res.Session, chain, note + ".", nil
}

// loadingText is the status line while a session file or a capture is
// read.
func loadingText(path string, read, total int64) string {
	if total <= 0 {
		return fmt.Sprintf("Reading %s: %d MiB…", path, read>>20)
	}
	return fmt.Sprintf("Reading %s: %d%% of %d MiB…", path, min(100, read*100/total), total>>20)
}

// isCapture reports whether a file starts like a pcap or pcapng capture.
func isCapture(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 4)
	if _, err := io.ReadFull(f, head); err != nil {
		return false
	}
	return capture.IsCapture(head)
}

// showCapture applies what a capture brought besides its session: its
// chain and its note. It does nothing for a session file.
func (ui *Inspector) showCapture(sess *inspector.Session, chain []int, note string) {
	if sess == nil || sess != ui.sess || note == "" {
		return
	}
	ui.setChain(chain)
	dialog.ShowInformation("Packet capture", note, ui.win)
}

// waterfallText is an event's way along the chain, for the detail panel,
// or "" without a chain.
func (ui *Inspector) waterfallText(lane int, seq int64) string {
	steps := timeline.Waterfall(ui.result.report, lane, seq)
	if steps == nil {
		return ""
	}
	return "\n\n" + timeline.FormatWaterfall(steps)
}

// waterfallWidth is the width of the waterfall drawn in the detail panel.
const waterfallWidth = 640

func newWaterfallImage() *canvas.Image {
	img := canvas.NewImageFromImage(nil)
	img.FillMode = canvas.ImageFillContain
	img.Hide()
	return img
}

// showWaterfall draws the event's way along the chain above its detail,
// or hides the drawing without a chain.
func (ui *Inspector) showWaterfall(lane int, seq int64) {
	w := ui.detail.waterfall
	steps := timeline.Waterfall(ui.result.report, lane, seq)
	if steps == nil {
		w.Hide()
		return
	}
	h := timeline.WaterfallHeight(len(steps))
	r := plot.NewImage(waterfallWidth, int(h))
	timeline.DrawWaterfall(r, steps)
	w.Image = r.Image()
	w.SetMinSize(fyne.NewSize(waterfallWidth, float32(h)))
	w.Show()
	w.Refresh()
}
