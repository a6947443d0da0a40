package cli

import (
	"bufio"
	"fmt"
	"io"
	"sync"
	"time"
)

// tapPrinter prints what the tap records. The hooks run on the streams'
// goroutines, right after a delivery; they only format and queue. One
// goroutine writes, woken at most once per printerDelay, so that neither
// a slow terminal nor the wake-up of the writer sits on the streams' path.
// If the queue overflows, lines are dropped (the session still has
// everything) and a notice says how many.
type tapPrinter struct {
	w    io.Writer
	json bool

	kick chan struct{} // capacity 1: lines are waiting
	stop chan struct{} // closed by close
	done chan struct{} // closed when the writer has written everything
	once sync.Once

	mu      sync.Mutex
	queue   []queued
	dropped int
	armed   bool // a kick is scheduled
}

// queued is a line, or an item whose line the writer formats.
type queued struct {
	line string
	item *tapItem
}

const (
	printerQueue = 8192
	// printerDelay bounds how long a line waits before it is written: far
	// below what a reader notices, long enough to batch a busy stream.
	printerDelay = 20 * time.Millisecond
)

func newTapPrinter(w io.Writer, jsonOut bool) *tapPrinter {
	p := &tapPrinter{w: w, json: jsonOut, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go p.run()
	return p
}

func (p *tapPrinter) run() {
	defer close(p.done)
	w := bufio.NewWriter(p.w)
	var spare []queued
	for {
		select {
		case <-p.kick:
		case <-p.stop:
			p.write(w, spare)
			return
		}
		spare = p.write(w, spare)
	}
}

// write takes the queued lines (handing the queue a spare slice) and
// writes them in one flush; it returns the emptied slice for reuse.
func (p *tapPrinter) write(w *bufio.Writer, spare []queued) []queued {
	p.mu.Lock()
	lines, n := p.queue, p.dropped
	p.queue, p.dropped, p.armed = spare[:0], 0, false
	p.mu.Unlock()
	for i, q := range lines {
		if q.item != nil {
			io.WriteString(w, p.format(q.item.record()))
		} else {
			io.WriteString(w, q.line)
		}
		lines[i] = queued{}
	}
	if n > 0 {
		if p.json {
			fmt.Fprintf(w, `{"kind":"error","t":%q,"lane":0,"err":"output too slow: %d records not printed"}`+"\n", time.Now().Format(time.RFC3339Nano), n)
		} else {
			fmt.Fprintf(w, "-- output too slow: %d lines not printed\n", n)
		}
	}
	w.Flush()
	return lines[:0]
}

func (p *tapPrinter) close() {
	p.once.Do(func() { close(p.stop) })
	<-p.done
}

func (p *tapPrinter) emit(line string) { p.enqueue(queued{line: line}) }

// queueItem queues an item, to be formatted when it is written.
func (p *tapPrinter) queueItem(it *tapItem) { p.enqueue(queued{item: it}) }

func (p *tapPrinter) enqueue(q queued) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.queue) >= printerQueue {
		p.dropped++
	} else {
		p.queue = append(p.queue, q)
	}
	if !p.armed {
		p.armed = true
		time.AfterFunc(printerDelay, p.wake)
	}
}

func (p *tapPrinter) wake() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}
