package gui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/sseinspector/sseinspector/inspector"
)

// askToReplace runs replace, which shows another session (what names it),
// after asking when that would lose something: a session with events not
// saved, or a running tap, which records into the session shown and so
// is stopped rather than poured into the next one.
func (ui *Inspector) askToReplace(what string, replace func()) {
	var reasons []string
	if n := ui.unsavedEvents(); n > 0 {
		reasons = append(reasons, fmt.Sprintf("The current session has %s not saved.", count(int(n), "event", "events")))
	}
	if ui.tap != nil {
		reasons = append(reasons, fmt.Sprintf("The tap on %s records into the session shown: opening %s stops it.", ui.tap.addr, what))
	}
	if len(reasons) == 0 {
		replace()
		return
	}
	msg := widget.NewLabel(strings.Join(reasons, "\n\n"))
	msg.Wrapping = fyne.TextWrapWord
	c := dialog.NewCustomConfirm("Replace the session?", "Replace", "Cancel", msg, func(ok bool) {
		if ok {
			replace()
		}
	}, ui.win)
	c.Resize(fyne.NewSize(520, 240))
	c.Show()
}

// unsavedEvents is how many events the session holds that no saved or
// loaded file has.
func (ui *Inspector) unsavedEvents() int64 {
	var n int64
	for _, l := range ui.sess.Snapshot().Lanes {
		n += l.TotalEvents()
	}
	return max(0, n-ui.savedEvents)
}

// markSaved records that the session as it is now is in a file.
func (ui *Inspector) markSaved(snap *inspector.Snapshot) {
	var n int64
	for _, l := range snap.Lanes {
		n += l.TotalEvents()
	}
	ui.savedEvents = n
}

// stopTap stops a running tap and says so.
func (ui *Inspector) stopTap() {
	if ui.tap == nil {
		return
	}
	addr := ui.tap.addr
	ui.tap.stopNow()
	ui.tap = nil
	ui.updateTapButton()
	ui.status.SetText("Tap on " + addr + " stopped.")
}

// updateTapButton shows on the toolbar whether a tap runs, and where.
func (ui *Inspector) updateTapButton() {
	if ui.tapButton == nil {
		return
	}
	if ui.tap != nil {
		ui.tapButton.SetText("Tap on " + ui.tap.addr)
		ui.tapButton.Importance = widget.WarningImportance
	} else {
		ui.tapButton.SetText("Tap")
		ui.tapButton.Importance = widget.LowImportance
	}
	ui.tapButton.Refresh()
}

// tapAction is the toolbar's tap button: start a tap, or, while one
// runs, show where it listens and offer to stop it.
func (ui *Inspector) tapAction() {
	if ui.tap == nil {
		ui.ShowTap()
		return
	}
	t := ui.tap
	msg := widget.NewLabel(fmt.Sprintf("The tap listens on %s and records what passes through it into this session.", t.addr))
	msg.Wrapping = fyne.TextWrapWord
	c := dialog.NewCustomConfirm("Tap running", "Stop tap", "Keep running", msg, func(stop bool) {
		if stop {
			ui.stopTap()
		}
	}, ui.win)
	c.Resize(fyne.NewSize(480, 200))
	c.Show()
}
