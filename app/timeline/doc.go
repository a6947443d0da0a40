// Package timeline draws the per-event timeline of a session: one band per
// lane with event ticks at arrival, the per-event delay as a dot chart, the
// bytes-over-time staircase, disconnected periods, reconnects with the
// Last-Event-ID sent, bursts of events completed by one read, lines joining
// the same event across lanes, and the diagnosis' findings.
//
// There is one drawing function, Draw, over the plot.Canvas interface. The
// desktop widget calls it with a raster canvas every frame; Export calls it
// with a PNG or SVG backend, so an exported file is exactly what the user
// saw. Hit testing (EventAt) and the time/x conversions of View use the same
// layout as Draw.
//
// Drawing cost does not grow with the session: the visible range is found
// by binary search, and where more events fall into the visible range than
// there are pixel columns, marks are aggregated per column from a per-lane
// index that is built once and extended as a live session grows.
//
// The package imports no UI toolkit, so exports run without a display.
package timeline
