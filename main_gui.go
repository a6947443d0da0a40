package main

import (
	"fmt"
	"os"
)

// runGUI runs the desktop inspector. This placeholder stands until the
// desktop package is in place.
func runGUI(args []string) int {
	fmt.Fprintln(os.Stderr, "the desktop inspector is not built yet")
	return 1
}
