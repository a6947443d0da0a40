package inspector

import (
	"fmt"
	"time"
)

// Checks on loaded records: a value a recording cannot have produced is
// refused (the loader adds the line number), rather than turned into
// findings such as "silent for 9223372030 s".

// maxRecordedTime bounds every time in a session file: a recording a
// century long is not one this program made.
const maxRecordedTime = 100 * 365 * 24 * time.Hour

// maxRecordedBytes bounds every size and offset in a session file (1 PiB).
const maxRecordedBytes = 1 << 50

func checkTime(what string, d time.Duration) error {
	if d < 0 || d > maxRecordedTime {
		return fmt.Errorf("%s %d ns is not a time within a recording", what, int64(d))
	}
	return nil
}

func checkCount(what string, n int64) error {
	if n < 0 || n > maxRecordedBytes {
		return fmt.Errorf("%s %d is not a possible count", what, n)
	}
	return nil
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func (r *laneRecord) check() error {
	if err := firstErr(checkCount("droppedEvents", r.DroppedEvents), checkCount("firstRead", r.FirstRead),
		checkCount("droppedNotes", r.DroppedNotes), checkCount("droppedConnDetails", r.DroppedConnDetails)); err != nil {
		return err
	}
	if t := r.DroppedConns; t != nil {
		if err := firstErr(checkTime("droppedConns start", t.Start), checkTime("droppedConns end", t.End),
			checkCount("droppedConns answered", t.Answered), checkCount("droppedConns wireBytes", t.WireBytes),
			checkCount("droppedConns bytes", t.Bytes), checkCount("droppedConns reads", t.Reads),
			checkCount("droppedConns events", t.Events), checkCount("droppedConns discarded", t.Discarded)); err != nil {
			return err
		}
		for cause, n := range t.Causes {
			if err := checkCount("droppedConns causes "+string(cause), n); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *connRecord) check() error {
	c := r
	if c.Status != 0 && (c.Status < 100 || c.Status > 999) {
		return fmt.Errorf("connection %d: status %d is not an HTTP status code", c.Index, c.Status)
	}
	if err := firstErr(checkTime("start", c.Start), checkTime("headersAt", c.HeadersAt), checkTime("firstByteAt", c.FirstByteAt),
		checkTime("end", c.End), checkCount("wireBytes", c.WireBytes), checkCount("bytes", c.Bytes),
		checkCount("reads", c.Reads), checkCount("events", c.Events), checkCount("discarded", c.Discarded)); err != nil {
		return fmt.Errorf("connection %d: %w", c.Index, err)
	}
	return nil
}

func (r *readFileRecord) check() error {
	if err := firstErr(checkTime("t", r.At), checkTime("delivered", r.Delivered),
		checkCount("wire", int64(r.WireSize)), checkCount("n", int64(r.Size))); err != nil {
		return fmt.Errorf("read %d: %w", r.Index, err)
	}
	if r.WireSize > 1<<32-1 || r.Size > 1<<32-1 {
		return fmt.Errorf("read %d: a single read of more than 4 GiB", r.Index)
	}
	return nil
}

func (r *eventRecord) check() error {
	if err := firstErr(checkTime("t", r.Arrival), checkTime("delivered", r.Delivered), checkCount("offset", r.Offset),
		checkCount("size", r.Size), checkCount("firstRead", r.FirstRead), checkCount("lastRead", r.LastRead)); err != nil {
		return fmt.Errorf("event %d: %w", r.Seq, err)
	}
	if r.LastRead < r.FirstRead {
		return fmt.Errorf("event %d: last read %d before its first read %d", r.Seq, r.LastRead, r.FirstRead)
	}
	return nil
}

func (r *noteRecord) check() error {
	return firstErr(checkTime("t", r.At), checkTime("retry", r.Retry), checkCount("read", r.Read))
}
