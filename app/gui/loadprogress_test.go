package gui

import (
	"bytes"
	"io"
	"testing"
	"testing/iotest"
	"time"
)

// TestProgressReaderThrottles reads a file in many small pieces on a
// clock that advances 10 ms per read: progress is reported about every
// 250 ms, and the end is always reported with the full count.
func TestProgressReaderThrottles(t *testing.T) {
	data := bytes.Repeat([]byte("x"), 1000)
	clock := time.Unix(0, 0)
	var reports []int64
	pr := &progressReader{r: iotest.OneByteReader(bytes.NewReader(data)),
		now:    func() time.Time { clock = clock.Add(10 * time.Millisecond); return clock },
		report: func(n int64) { reports = append(reports, n) }}
	if _, err := io.ReadAll(pr); err != nil {
		t.Fatal(err)
	}
	// 1,001 reads over 10 s: one report per 250 ms, plus the end.
	if len(reports) < 30 || len(reports) > 45 {
		t.Errorf("%d reports for 10 s of reading, want about 41", len(reports))
	}
	if last := reports[len(reports)-1]; last != int64(len(data)) {
		t.Errorf("last report %d, want %d", last, len(data))
	}
}

func TestLoadingText(t *testing.T) {
	if got := loadingText("s.ndjson", 250<<20, 1000<<20); got != "Reading s.ndjson: 25% of 1000 MiB…" {
		t.Errorf("got %q", got)
	}
	if got := loadingText("s.ndjson", 3<<20, 0); got != "Reading s.ndjson: 3 MiB…" {
		t.Errorf("got %q", got)
	}
}
