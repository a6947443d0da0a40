package gui

import (
	"fmt"

	"github.com/sseinspector/sseinspector/inspector"
)

// statusLine summarises the session for the status bar.
func statusLine(snap *inspector.Snapshot, a *analysis) string {
	if len(snap.Lanes) == 0 {
		return "Add a stream (Ctrl+N), compare two URLs (Ctrl+K), tap a browser (Ctrl+T), or press Demo (Ctrl+D)."
	}
	var events, bytes, dropped int64
	for _, l := range snap.Lanes {
		events += l.TotalEvents()
		bytes += l.Bytes()
		dropped += l.DroppedEvents
	}
	s := fmt.Sprintf("%d lanes · %d events · %s · %.1f s", len(snap.Lanes), events, inspector.FormatBytes(bytes), snap.End().Seconds())
	if dropped > 0 {
		s += fmt.Sprintf(" · %d oldest events dropped (memory cap)", dropped)
	}
	if n := len(a.findings); n > 0 {
		s += " · " + count(n, "finding", "findings")
	}
	return s
}
