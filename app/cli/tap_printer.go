package cli

import (
	"bufio"
	"fmt"
	"io"
	"sync"
	"time"
)

// tapPrinter prints what the tap records. The hooks run on the streams'
// goroutines, right after a delivery; they only queue what they saw. One
// goroutine formats and writes: woken by the first line after a quiet
// spell, it then writes every printerDelay while lines keep coming, so a
// busy tap costs one wake-up per printerDelay, not one per event, and
// neither a slow terminal nor the writer sits on the streams' path. If
// the queue overflows, lines are dropped (the session still has
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
	armed   bool // the writer has been kicked and has not yet found the queue empty
}

// queued is a line, or an item whose line the writer formats.
type queued struct {
	line string
	item *tapItem
}

const (
	printerQueue = 8192
	// printerDelay is how often a busy tap's lines are written: below
	// what a reader notices, long enough to batch a busy stream.
	printerDelay = 50 * time.Millisecond
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
	pause := time.NewTimer(printerDelay)
	pause.Stop()
	for {
		select {
		case <-p.kick:
		case <-p.stop:
			p.write(w, spare)
			return
		}
		for busy := true; busy; {
			spare = p.write(w, spare)
			pause.Reset(printerDelay)
			select {
			case <-pause.C:
			case <-p.stop:
				pause.Stop()
				p.write(w, spare)
				return
			}
			p.mu.Lock()
			busy = len(p.queue) > 0 || p.dropped > 0
			p.armed = busy
			p.mu.Unlock()
		}
	}
}

// write takes the queued lines (handing the queue a spare slice) and
// writes them in one flush; it returns the emptied slice for reuse.
func (p *tapPrinter) write(w *bufio.Writer, spare []queued) []queued {
	p.mu.Lock()
	lines, n := p.queue, p.dropped
	p.queue, p.dropped = spare[:0], 0
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
		select {
		case p.kick <- struct{}{}:
		default:
		}
	}
}
