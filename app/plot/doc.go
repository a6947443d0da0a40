// Package plot is the small drawing interface the timeline is drawn
// against, and its backends.
//
// A drawing is made once, against Canvas, and rendered by whichever backend
// the caller picks: Raster draws into an *image.RGBA (the on-screen widget
// and PNG files use it, so an exported image is exactly what was on screen),
// SVG writes vector text. Backends that can be written to a file register a
// format under their file extension; NewFormat picks one from a path.
//
// Coordinates are in logical pixels, origin at the top left, y growing
// downwards. Text uses the Go fonts at every size, so measurements agree
// between backends.
//
// The package imports no UI toolkit: exports work without a display.
package plot
