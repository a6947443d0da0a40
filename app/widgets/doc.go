// Package widgets holds SSE Inspector's custom Fyne widgets. Each widget is
// one file: an exported struct holding only state and an unexported
// renderer. Drawing is delegated to the toolkit-free packages (the timeline
// widget draws with timeline.Draw on a plot.Raster), so what a widget shows
// is what an export of it writes.
package widgets
