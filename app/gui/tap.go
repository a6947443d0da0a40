package gui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/proxytap"
)

// tapRunner is a tap proxy started from the window. It records into
// whichever session the window shows, so tapped connections appear as
// lanes live.
type tapRunner struct {
	tap  *proxytap.Tap
	addr string
	// stop is tap.Stop: it frees the address at once and reports on the
	// channel when every stream has recorded its end.
	stop func() <-chan error
}

// stopNow stops the tap without waiting for its streams to record their
// end, as the UI goroutine must: the wait (up to a few seconds) happens
// on a goroutine of its own.
func (t *tapRunner) stopNow() {
	result := t.stop()
	go func() { <-result }()
}

// currentSession lets the tap add lanes to the session on display, which
// the user may replace while the tap runs.
type currentSession struct{ ui *Inspector }

func (c currentSession) AddLane(info inspector.LaneInfo) *inspector.Lane {
	return c.ui.cur.Load().AddLane(info)
}

// Holds keeps a reconnecting stream out of lanes the user removed or left
// behind with an earlier session.
func (c currentSession) Holds(l *inspector.Lane) bool { return c.ui.cur.Load().Holds(l) }

var _ proxytap.LaneHolder = currentSession{}

// StartTap starts a tap proxy: reverse when upstream is set, forward
// (with HTTPS interception) otherwise.
func (ui *Inspector) StartTap(listen, upstream string, exclude []string, keepSecrets bool) (*tapRunner, error) {
	ui.stopTap()
	t, err := proxytap.New(proxytap.Config{Upstream: upstream, Recorder: currentSession{ui}, Exclude: exclude, KeepSecrets: keepSecrets})
	if err != nil {
		return nil, err
	}
	addr, err := t.Start(listen)
	if err != nil {
		return nil, err
	}
	ui.tap = &tapRunner{tap: t, addr: addr.String(), stop: t.Stop}
	ui.keepSecrets = keepSecrets
	ui.updateTapButton()
	return ui.tap, nil
}

// ShowTap opens the tap dialog: mode, listen address, upstream, excluded
// hosts, and, in forward mode, the CA to trust.
func (ui *Inspector) ShowTap() {
	mode := widget.NewRadioGroup([]string{"Reverse (browser opens the tap's address)", "Forward (browser uses the tap as its proxy)"}, nil)
	mode.SetSelected(mode.Options[0])
	listen := newKeyEntry()
	listen.SetText(proxytap.DefaultListen)
	upstream := newKeyEntry()
	upstream.SetPlaceHolder("http://127.0.0.1:8080  (your site)")
	exclude := newKeyEntry()
	exclude.SetPlaceHolder("hosts to tunnel untouched, comma-separated")
	keep := widget.NewCheck("Keep Authorization and Cookie values in saved sessions", nil)
	mode.OnChanged = func(s string) {
		if s == mode.Options[0] {
			upstream.Enable()
			exclude.Disable()
		} else {
			upstream.Disable()
			exclude.Enable()
		}
	}
	mode.OnChanged(mode.Selected)
	items := []*widget.FormItem{
		widget.NewFormItem("Mode", mode),
		widget.NewFormItem("Listen", listen),
		widget.NewFormItem("Upstream", upstream),
		widget.NewFormItem("Exclude", exclude),
		widget.NewFormItem("", keep),
	}
	confirm := "Start tap"
	if ui.tap != nil {
		confirm = "Restart tap"
	}
	ui.showForm("Tap a browser's streams", confirm, items, fyne.NewSize(640, 420), func() error {
		up := ""
		if mode.Selected == mode.Options[0] {
			up = strings.TrimSpace(upstream.Text)
			if up == "" {
				return &fieldError{field: upstream, err: fmt.Errorf("reverse mode needs the upstream URL of your site")}
			}
		}
		var ex []string
		for _, h := range strings.Split(exclude.Text, ",") {
			if h = strings.TrimSpace(h); h != "" {
				ex = append(ex, h)
			}
		}
		t, err := ui.StartTap(strings.TrimSpace(listen.Text), up, ex, keep.Checked)
		if err != nil {
			return &fieldError{field: listen, err: err}
		}
		ui.showTapRunning(t)
		return nil
	})
}

// showTapRunning tells the user how to point the browser at the tap and,
// in forward mode, how to trust its CA (with an export button).
func (ui *Inspector) showTapRunning(t *tapRunner) {
	var text string
	var extra []fyne.CanvasObject
	if t.tap.Reverse() {
		text = fmt.Sprintf("The tap listens on http://%s and forwards everything to your site.\n"+
			"Open http://%s in the browser instead of your site: each event stream it opens appears as a lane.", t.addr, t.addr)
	} else {
		ca := t.tap.CA()
		text = fmt.Sprintf("The tap is an HTTP proxy on %s: set it as the browser's HTTP and HTTPS proxy.\n\n%s",
			t.addr, ca.TrustInstructions(t.addr))
		extra = append(extra, widget.NewButton("Export CA certificate…", func() { ui.exportCA(ca) }))
	}
	label := widget.NewLabel(text)
	label.Wrapping = fyne.TextWrapWord
	label.TextStyle = fyne.TextStyle{Monospace: !t.tap.Reverse()}
	content := container.NewVBox(append([]fyne.CanvasObject{label}, extra...)...)
	d := dialog.NewCustom("Tap running", "OK", content, ui.win)
	d.Resize(fyne.NewSize(720, 320))
	d.Show()
}

func (ui *Inspector) exportCA(ca *proxytap.CA) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		defer w.Close()
		if _, err := w.Write(ca.CertPEM()); err != nil {
			dialog.ShowError(fmt.Errorf("export CA: %w", err), ui.win)
		}
	}, ui.win)
	d.SetFileName("sseinspector-ca.pem")
	d.Show()
}
