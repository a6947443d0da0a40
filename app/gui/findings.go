package gui

import (
	"fmt"
	"strings"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// findingPanel lists the diagnosis: each finding's title and severity;
// choosing one shows its evidence and fix and highlights its events on the
// timeline.
type findingPanel struct {
	ui       *Inspector
	list     *widget.List
	detail   *widget.Label
	summary  *widget.Label
	copyFix  *widget.Button
	items    []diagnose.Finding
	selected string // ID of the chosen finding, kept across refreshes
	fix      string // the chosen finding's fix, for Copy fix
}

func newFindingPanel(ui *Inspector) *findingPanel {
	p := &findingPanel{ui: ui}
	p.list = widget.NewList(
		func() int { return len(p.items) },
		func() fyne.CanvasObject {
			icon := widget.NewIcon(theme.InfoIcon())
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, icon, nil, l)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(p.items) {
				return
			}
			f := p.items[id]
			c := o.(*fyne.Container)
			c.Objects[1].(*widget.Icon).SetResource(severityIcon(f.Severity))
			c.Objects[0].(*widget.Label).SetText(fmt.Sprintf("%s — %s", strings.ToUpper(f.Severity.String()), f.Title))
		})
	p.list.OnSelected = func(id widget.ListItemID) {
		if id < len(p.items) {
			p.choose(p.items[id], p.items[id].ID != p.selected)
		}
	}
	p.summary = widget.NewLabel("No data yet: add a stream, or press Demo.")
	p.summary.Wrapping = fyne.TextWrapWord
	p.detail = widget.NewLabel("")
	p.detail.Wrapping = fyne.TextWrapWord
	p.detail.Selectable = true // evidence and fix can be selected and copied
	p.copyFix = widget.NewButtonWithIcon("Copy fix", theme.ContentCopyIcon(), func() {
		ui.app.Clipboard().SetContent(p.fix)
		ui.status.SetText("Fix copied to the clipboard.")
	})
	p.copyFix.Disable()
	return p
}

// object lays the panel out: the summary, then the findings over their
// evidence and fix, split so that the user can give the text more room.
func (p *findingPanel) object() fyne.CanvasObject {
	detail := container.NewBorder(container.NewHBox(p.copyFix), nil, nil, nil, container.NewVScroll(p.detail))
	split := container.NewVSplit(p.list, detail)
	split.SetOffset(0.3)
	return container.NewBorder(p.summary, nil, nil, nil, split)
}

func severityIcon(s diagnose.Severity) fyne.Resource {
	switch s {
	case diagnose.SeverityError:
		return theme.ErrorIcon()
	case diagnose.SeverityWarning:
		return theme.WarningIcon()
	}
	return theme.InfoIcon()
}

// set shows a new list of findings, keeping the chosen one if still there.
func (p *findingPanel) set(fs []diagnose.Finding) {
	p.items = fs
	p.list.Refresh()
	switch {
	case p.ui.loading.active():
		p.summary.SetText("Loading " + p.ui.loading.path + "…")
	case p.ui.snap == nil || len(p.ui.snap.Lanes) == 0:
		p.summary.SetText("No data yet: add a stream, or press Demo.")
	case p.ui.result.report == nil:
		p.summary.SetText("Analysing…")
	case len(fs) == 0:
		p.summary.SetText("No problems found. " + p.ui.result.figures)
	default:
		warn := 0
		for _, f := range fs {
			if f.Severity >= diagnose.SeverityWarning {
				warn++
			}
		}
		p.summary.SetText(fmt.Sprintf("%s, %d needing attention. Choose one for its evidence and fix.", count(len(fs), "finding", "findings"), warn))
	}
	for i, f := range fs {
		if f.ID == p.selected {
			p.detail.SetText(findingText(f))
			p.setFix(f.Fix)
			p.ui.timeline.highlight(f.Events)
			p.list.Select(i)
			return
		}
	}
	// Show the most severe finding's evidence and fix straight away: the
	// fix is what a user came for.
	if len(fs) > 0 {
		p.choose(fs[0], false)
		p.list.Select(0)
		return
	}
	if p.selected != "" {
		p.selected = ""
		p.detail.SetText("")
		p.setFix("")
		p.ui.timeline.highlight(nil)
	}
}

// choose shows a finding's evidence and fix, highlights its events and,
// when the user chose it, brings them into view on the timeline.
func (p *findingPanel) choose(f diagnose.Finding, byUser bool) {
	p.selected = f.ID
	p.detail.SetText(findingText(f))
	p.setFix(f.Fix)
	p.ui.timeline.highlight(f.Events)
	if byUser {
		p.ui.timeline.focus(f.Events)
	}
}

// setFix enables Copy fix for a finding's fix text.
func (p *findingPanel) setFix(fix string) {
	p.fix = fix
	if fix == "" {
		p.copyFix.Disable()
	} else {
		p.copyFix.Enable()
	}
}

// findingText renders a finding's evidence and fix.
func findingText(f diagnose.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s, confidence %.0f%%)\n\nEvidence:\n", f.Title, f.Severity, f.Confidence*100)
	for _, e := range f.Evidence {
		fmt.Fprintf(&b, "  • %s\n", e)
	}
	if f.Fix != "" {
		fmt.Fprintf(&b, "\nFix:\n%s\n", f.Fix)
	}
	return b.String()
}

// count writes n with the singular or plural noun.
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
