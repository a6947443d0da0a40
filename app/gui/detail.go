package gui

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/sseinspector/sseinspector/inspector"
)

// detailPanel shows one event: its parsed fields, its raw bytes with line
// endings made visible, the read that carried it and its connection's
// request and response headers.
type detailPanel struct {
	text      *widget.Label
	waterfall *canvas.Image // the event's way along a chain; hidden without one
}

func newDetailPanel() *detailPanel {
	p := &detailPanel{text: widget.NewLabel("Select an event in the table or on the timeline.")}
	p.text.TextStyle = fyne.TextStyle{Monospace: true}
	p.text.Wrapping = fyne.TextWrapBreak
	p.waterfall = newWaterfallImage()
	return p
}

func (p *detailPanel) object() fyne.CanvasObject {
	return container.NewVScroll(container.NewVBox(p.waterfall, p.text))
}

func (p *detailPanel) clear() {
	p.text.SetText("Select an event in the table or on the timeline.")
	p.waterfall.Hide()
}

func (p *detailPanel) show(s string) { p.text.SetText(s) }

// eventDetail renders an event of a lane snapshot as text.
func eventDetail(l *inspector.LaneSnapshot, ev inspector.Event, delay string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Event #%d on lane #%d %s (connection %d)\n", ev.Seq+1, l.Info.ID, laneName(l), ev.Conn+1)
	fmt.Fprintf(&b, "  arrival   %.3f s", ev.Arrival.Seconds())
	if ev.Delivered > 0 {
		fmt.Fprintf(&b, "   delivered to browser %.3f s", ev.Delivered.Seconds())
	}
	b.WriteString("\n")
	if delay != "" {
		fmt.Fprintf(&b, "  delay     %s\n", delay)
	}
	fmt.Fprintf(&b, "  type      %s\n  id        %q\n  size      %d B at stream offset %d", ev.Type, ev.ID, ev.Size, ev.Offset)
	if ev.Truncated {
		fmt.Fprintf(&b, " (kept truncated: %d B stored)", len(ev.Raw))
	}
	b.WriteString("\n")
	if ev.FirstRead == ev.LastRead {
		fmt.Fprintf(&b, "  read      #%d", ev.LastRead+1)
	} else {
		fmt.Fprintf(&b, "  reads     #%d..#%d", ev.FirstRead+1, ev.LastRead+1)
	}
	if r, ok := l.ReadByIndex(ev.LastRead); ok {
		fmt.Fprintf(&b, " at %.3f s, %d B", r.At.Seconds(), r.Size)
		if r.WireSize != r.Size {
			fmt.Fprintf(&b, " (%d B on the wire)", r.WireSize)
		}
		if n := eventsCompletedBy(l, ev.LastRead); n > 1 {
			fmt.Fprintf(&b, " — completed %d events at once", n)
		}
	}
	b.WriteString("\n\nData:\n")
	b.WriteString(ev.Data)
	b.WriteString("\n\nRaw bytes (line endings shown as \\r and \\n):\n")
	b.WriteString(visibleRaw(ev.Raw))
	if c, ok := l.ConnAt(ev.Conn); ok {
		fmt.Fprintf(&b, "\n\nRequest: %s %s\n", c.Method, c.URL)
		if c.LastEventID != "" {
			fmt.Fprintf(&b, "  (sent Last-Event-ID: %s)\n", c.LastEventID)
		}
		writeHeader(&b, c.RequestHeader)
		fmt.Fprintf(&b, "\nResponse: %s %d\n", c.Proto, c.Status)
		writeHeader(&b, c.ResponseHeader)
	}
	return b.String()
}

// eventsCompletedBy counts the events completed by one read.
func eventsCompletedBy(l *inspector.LaneSnapshot, read int64) int {
	n := 0
	l.Scan(0, l.Len(), func(_ int, m *inspector.EventMeta) bool {
		if m.LastRead == read {
			n++
		}
		return m.LastRead <= read
	})
	return n
}

// visibleRaw shows line endings as symbols while keeping the lines.
func visibleRaw(raw []byte) string {
	// Escapes rather than the U+240D/U+240A symbols: every monospace font
	// has a backslash.
	r := strings.NewReplacer("\\", "\\\\", "\r\n", "\\r\\n\n", "\r", "\\r\n", "\n", "\\n\n")
	return r.Replace(strings.ToValidUTF8(string(raw), "\ufffd"))
}

// writeHeader lists h with credentials redacted, as saved files have
// them, whatever the recording kept: the window is often shared or
// captured.
func writeHeader(b *strings.Builder, h http.Header) {
	h = inspector.RedactHeader(h)
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			fmt.Fprintf(b, "  %s: %s\n", k, v)
		}
	}
}

// selectEvent shows an event in the detail panel and on the timeline.
// fromTimeline says whether the timeline asked (then the table follows).
func (ui *Inspector) selectEvent(lane int, seq int64, fromTimeline bool) {
	if ui.snap == nil {
		return
	}
	l := ui.snap.Lane(lane)
	if l == nil {
		return
	}
	i := int(seq - l.DroppedEvents)
	if i < 0 || i >= l.Len() {
		return
	}
	ev := l.Event(i)
	delay := ""
	if d, ok := ui.result.delayOf(lane, seq); ok {
		delay = formatDelay(d)
	}
	ui.detail.show(eventDetail(l, ev, delay) + ui.waterfallText(lane, seq))
	ui.showWaterfall(lane, seq)
	ui.tabs.SelectIndex(1)
	ui.timeline.selectEvent(lane, seq)
	if fromTimeline {
		ui.events.selectRow(lane, seq, ev.Arrival)
	}
}
