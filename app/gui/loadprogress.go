package gui

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// progressInterval is how often loading progress is shown: often enough
// to see it move, seldom enough to cost nothing.
const progressInterval = 250 * time.Millisecond

// progressReader counts the bytes read through it and reports the count
// at most once per progressInterval, and once more at the end.
type progressReader struct {
	r      io.Reader
	read   int64
	last   time.Time
	now    func() time.Time
	report func(read int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.read += int64(n)
	if t := p.now(); err != nil || t.Sub(p.last) >= progressInterval {
		p.last = t
		p.report(p.read)
	}
	return n, err
}

// loadSessionFile loads a session file, reporting how much of it was read
// through progress (when not nil) at most once per progressInterval. It runs off the UI
// goroutine.
func loadSessionFile(path string, progress func(read, total int64)) (*inspector.Session, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load session: %w", err)
	}
	defer f.Close()
	var total int64
	if st, err := f.Stat(); err == nil {
		total = st.Size()
	}
	pr := &progressReader{r: f, now: time.Now, report: func(read int64) {
		if progress != nil {
			progress(read, total)
		}
	}}
	sess, err := inspector.ReadSession(pr, inspector.LoadOptions{Partial: true})
	if err != nil {
		return sess, fmt.Errorf("load session %s: %w", path, err)
	}
	return sess, nil
}
