package inspector

import "fmt"

// FormatBytes formats a byte count for people, with about three
// significant figures: "812 B", "4.0 KiB", "21 KiB",
// "1.5 MiB", "29 MiB", "1.2 GiB". It is the one byte-count format of the
// report, the timeline and the window. Where the exact size is the point
// (a buffer's 4096 bytes), callers print the number itself.
func FormatBytes(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 10<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	case n < 1<<20:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	case n < 10<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n < 1<<30:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
}
