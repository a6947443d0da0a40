package inspector

import "testing"

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 B", 812: "812 B", 1023: "1023 B", 4096: "4.0 KiB", 21094: "21 KiB",
		1536 << 10: "1.5 MiB", 29 << 20: "29 MiB", 5 << 29: "2.5 GiB",
	} {
		if got := FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}
