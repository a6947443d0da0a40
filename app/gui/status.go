package gui

import (
	"fmt"

	"github.com/sseinspector/sseinspector/inspector"
)

// statusLine summarises the session for the status bar. It counts lanes
// and events as the timeline's title does: stream lanes, with the tap's
// plain requests apart.
func (ui *Inspector) statusLine(snap *inspector.Snapshot) string {
	if len(snap.Lanes) == 0 {
		return "Add a stream (Ctrl+N), compare two URLs (Ctrl+K), tap a browser (Ctrl+T), or press Demo (Ctrl+D)."
	}
	var lanes, requests int
	var events, bytes, dropped int64
	for _, l := range snap.Lanes {
		if l.Info.Kind == inspector.LaneRequest {
			requests++
			continue
		}
		lanes++
		events += l.TotalEvents()
		bytes += l.Bytes()
		dropped += l.DroppedEvents
	}
	s := fmt.Sprintf("%s · %d events · %s · %.1f s", count(lanes, "lane", "lanes"), events, inspector.FormatBytes(bytes), snap.End().Seconds())
	if requests > 0 {
		s += " · " + count(requests, "other request", "other requests")
	}
	if dropped > 0 {
		s += fmt.Sprintf(" · %d oldest events dropped (memory cap)", dropped)
	}
	if n := len(ui.result.findings); n > 0 {
		s += " · " + count(n, "finding", "findings")
	}
	if ui.tap != nil {
		s += " · tap running on " + ui.tap.addr
	}
	return s
}
