package capture

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/sseinspector/sseinspector/inspector"
)

// Options control how a capture is read. The zero value reads with the
// session's default limits and reports no progress.
type Options struct {
	// Limits apply to the session's lanes.
	Limits inspector.Limits
	// MaxPending bounds the out-of-order bytes held per direction of a
	// connection while the bytes before them are awaited; beyond it the
	// missing bytes are reported as a gap. 0 means DefaultMaxPending.
	MaxPending int
	// Progress, if set, is called as the file is read with the bytes read
	// so far and the file's size (0 when unknown), and once at the end.
	Progress func(read, total int64)
}

func (o Options) maxPending() int {
	if o.MaxPending <= 0 {
		return DefaultMaxPending
	}
	return o.MaxPending
}

// Stream names one connection by its ends.
type Stream struct {
	Client string `json:"client"`
	Server string `json:"server"`
}

// Gap is a run of bytes of an event stream the capture does not hold.
type Gap struct {
	Lane  int           `json:"lane"`
	Conn  int           `json:"conn"`
	At    time.Duration `json:"at"`
	Bytes int64         `json:"bytes"`
}

// Result is a capture read into a session, with what was found besides.
type Result struct {
	Session *inspector.Session
	// Packets counts the packets read; TCP those that carried TCP.
	Packets, TCP int64
	// Connections counts TCP connections; Responses the HTTP responses
	// read; Streams the event-stream responses among them.
	Connections, Responses, Streams int
	// TLS lists the connections that carry TLS, which cannot be decoded.
	TLS []Stream
	// Gaps lists the bytes of event streams missing from the capture.
	Gaps []Gap
	// Retransmitted counts bytes that were captured more than once.
	Retransmitted int64
	// Fragments counts IP fragments, which are not reassembled.
	Fragments int64
	// Truncated reports that the file ends in the middle of a packet.
	Truncated bool
	// Chains holds, for a capture taken on a proxy, the lanes of one
	// stream seen on both sides, origin side first (see Chains).
	Chains [][]int
	// Warnings describe what was skipped and why.
	Warnings []string
}

// maxWarnings bounds the warnings kept; the rest are counted.
const maxWarnings = 50

// flowKey identifies a TCP connection whichever way a segment goes.
type flowKey struct{ a, b netip.AddrPort }

func keyOf(s *segment) flowKey {
	if s.src.Compare(s.dst) < 0 {
		return flowKey{s.src, s.dst}
	}
	return flowKey{s.dst, s.src}
}

// reader holds the state of one read.
type reader struct {
	opts    Options
	res     *Result
	start   time.Time
	last    time.Time
	conns   map[flowKey]*conn
	ignored map[flowKey]struct{} // connections not decoded (TLS, not HTTP)
	lanes   map[laneKey][]*inspector.Lane
	busy    map[*inspector.Lane]bool
	dropped int // warnings not kept
}

// ReadFile reads a pcap or pcapng file.
func ReadFile(path string, opts Options) (*Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open capture: %w", err)
	}
	defer f.Close()
	var size int64
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	res, err := Read(f, size, opts)
	if err != nil {
		return nil, fmt.Errorf("capture %s: %w", path, err)
	}
	return res, nil
}

// IsCapture reports whether a file's first bytes are those of a pcap or
// pcapng capture.
func IsCapture(head []byte) bool {
	if len(head) < 4 {
		return false
	}
	switch binary.LittleEndian.Uint32(head) {
	case 0x0a0d0d0a, 0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1:
		return true
	}
	return false
}

// packetSource is what pcapgo's two readers have in common.
type packetSource interface {
	ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
}

// Read reads a capture from r; size is its length for progress reports
// (0 if unknown).
func Read(r io.Reader, size int64, opts Options) (*Result, error) {
	cr := &countingReader{r: r, total: size, progress: opts.Progress}
	br := bufio.NewReaderSize(cr, 1<<16)
	head, err := br.Peek(4)
	if err != nil || !IsCapture(head) {
		return nil, fmt.Errorf("not a pcap or pcapng capture (it starts with % x); write one with tcpdump -w", head)
	}
	src, linkOf, err := openSource(br, head)
	if err != nil {
		return nil, err
	}
	rd := &reader{opts: opts, res: &Result{}, conns: make(map[flowKey]*conn), ignored: make(map[flowKey]struct{}),
		lanes: make(map[laneKey][]*inspector.Lane), busy: make(map[*inspector.Lane]bool)}
	if err := rd.run(src, linkOf); err != nil {
		return nil, err
	}
	cr.report()
	return rd.res, nil
}

// openSource opens a pcap or pcapng reader; linkOf gives the link type of
// a packet's interface.
func openSource(br io.Reader, head []byte) (packetSource, func(ci gopacket.CaptureInfo) layers.LinkType, error) {
	if binary.LittleEndian.Uint32(head) == 0x0a0d0d0a {
		ng, err := pcapgo.NewNgReader(br, pcapgo.DefaultNgReaderOptions)
		if err != nil {
			return nil, nil, fmt.Errorf("read pcapng header: %w", err)
		}
		return ng, func(ci gopacket.CaptureInfo) layers.LinkType {
			if i, err := ng.Interface(ci.InterfaceIndex); err == nil {
				return i.LinkType
			}
			return ng.LinkType()
		}, nil
	}
	pr, err := pcapgo.NewReader(br)
	if err != nil {
		return nil, nil, fmt.Errorf("read pcap header: %w", err)
	}
	return pr, func(gopacket.CaptureInfo) layers.LinkType { return pr.LinkType() }, nil
}

// run reads every packet.
func (rd *reader) run(src packetSource, linkOf func(gopacket.CaptureInfo) layers.LinkType) error {
	decoders := make(map[layers.LinkType]*decoder)
	var seg segment
	for {
		data, ci, err := src.ReadPacketData()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) || rd.res.Packets > 0 {
				rd.res.Truncated = true
				rd.warnf("the capture ends in the middle of a packet after %d packets (%v): it was cut short; "+
					"what precedes is read", rd.res.Packets, err)
				break
			}
			return fmt.Errorf("read packet 1: %w", err)
		}
		rd.res.Packets++
		if rd.session() == nil {
			rd.res.Session, rd.start = inspector.NewSessionAt(ci.Timestamp, rd.opts.Limits), ci.Timestamp
		}
		link := linkOf(ci)
		d := decoders[link]
		if d == nil {
			if d, err = newDecoder(link); err != nil {
				return err
			}
			decoders[link] = d
		}
		switch err := d.decode(data, ci, &seg); {
		case errors.Is(err, errFragment):
			rd.res.Fragments++
			continue
		case err != nil:
			continue
		}
		rd.res.TCP++
		rd.segment(&seg)
	}
	rd.finish()
	return nil
}

func (rd *reader) session() *inspector.Session { return rd.res.Session }

// segment routes a segment to its connection.
func (rd *reader) segment(s *segment) {
	if s.at.After(rd.last) {
		rd.last = s.at
	}
	k := keyOf(s)
	if _, ok := rd.ignored[k]; ok {
		if s.fin || s.rst {
			delete(rd.ignored, k)
		}
		return
	}
	c := rd.conns[k]
	if c == nil {
		if !s.syn && len(s.payload) == 0 {
			return // an ACK, FIN or RST of a connection already ended, or begun before the capture
		}
		client, server := s.src, s.dst
		if s.syn && s.ack {
			client, server = s.dst, s.src
		}
		c = newConn(rd, client, server)
		rd.conns[k] = c
		rd.res.Connections++
	}
	c.segment(s)
	switch {
	case c.done():
		c.finish(rd.last)
		delete(rd.conns, k)
	case c.kind == kindTLS || c.kind == kindOther || c.kind == kindHTTP2:
		delete(rd.conns, k)
		if len(rd.ignored) >= maxIgnored {
			clear(rd.ignored) // forgotten flows are ignored again at their next bytes
		}
		if !s.fin && !s.rst {
			rd.ignored[k] = struct{}{}
		}
	}
}

// maxIgnored bounds the set of connections remembered as not decoded.
const maxIgnored = 1 << 18

// finish ends every connection still open at the end of the capture.
func (rd *reader) finish() {
	if rd.res.Session == nil {
		rd.res.Session = inspector.NewSessionAt(time.Time{}, rd.opts.Limits)
	}
	for _, c := range rd.conns {
		c.finish(rd.last)
	}
	rd.conns = nil
	if rd.dropped > 0 {
		rd.res.Warnings = append(rd.res.Warnings, fmt.Sprintf("… and %d more warnings", rd.dropped))
	}
	rd.res.Chains = Chains(rd.res.Session.Snapshot())
}

// since converts a capture time to the session clock.
func (rd *reader) since(t time.Time) time.Duration { return max(t.Sub(rd.start), 0) }

// warnf keeps a warning, up to maxWarnings.
func (rd *reader) warnf(format string, args ...any) {
	if len(rd.res.Warnings) >= maxWarnings {
		rd.dropped++
		return
	}
	rd.res.Warnings = append(rd.res.Warnings, fmt.Sprintf(format, args...))
}

// gapAt records bytes missing from a lane's connection.
func (rd *reader) gapAt(l *inspector.Lane, conn int, at time.Time, n int64) {
	rd.res.Gaps = append(rd.res.Gaps, Gap{Lane: l.ID(), Conn: conn, At: rd.since(at), Bytes: n})
	state, _ := l.State()
	l.SetState(state, fmt.Sprintf("the capture is missing %d bytes of connection %d at %s", n, conn+1,
		rd.since(at).Round(time.Microsecond)))
}

// countingReader counts the bytes read and reports progress.
type countingReader struct {
	r            io.Reader
	read, total  int64
	lastReported int64
	progress     func(read, total int64)
}

// progressStep is how many bytes pass between two progress reports.
const progressStep = 4 << 20

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += int64(n)
	if c.progress != nil && c.read-c.lastReported >= progressStep {
		c.report()
	}
	return n, err
}

func (c *countingReader) report() {
	if c.progress != nil {
		c.lastReported = c.read
		c.progress(c.read, c.total)
	}
}
