package capture_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/capture"
)

const (
	client = "10.0.0.5:40000"
	server = "10.0.0.1:8080"
)

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

func getStream(path, lastID string) string {
	req := "GET " + path + " HTTP/1.1\r\nHost: example.test\r\nAccept: text/event-stream\r\n"
	if lastID != "" {
		req += "Last-Event-ID: " + lastID + "\r\n"
	}
	return req + "\r\n"
}

const chunkedHeader = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
const plainHeader = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"

func chunk(s string) string { return fmt.Sprintf("%x\r\n%s\r\n", len(s), s) }

func event(i int) string { return fmt.Sprintf("id: %d\ndata: event %d\n\n", i, i) }

// read reads a built capture, failing the test on error.
func read(t *testing.T, b []byte) *capture.Result {
	t.Helper()
	res, err := capture.Read(bytes.NewReader(b), int64(len(b)), capture.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// onlyLane returns the capture's one lane.
func onlyLane(t *testing.T, res *capture.Result) *inspector.LaneSnapshot {
	t.Helper()
	snap := res.Session.Snapshot()
	if len(snap.Lanes) != 1 {
		t.Fatalf("%d lanes, want 1 (warnings %q)", len(snap.Lanes), res.Warnings)
	}
	return snap.Lanes[0]
}

func TestChunkedStreamBecomesLane(t *testing.T) {
	b := newCapture(t, layers.LinkTypeEthernet)
	c := b.conn(client, server, 0)
	c.send(true, ms(1), getStream("/stream", ""))
	c.send(false, ms(2), chunkedHeader)
	for i := 1; i <= 5; i++ {
		c.send(false, ms(100*i), chunk(event(i)))
	}
	c.send(false, ms(600), "0\r\n\r\n")
	c.fin(false, ms(601))
	c.fin(true, ms(602))
	res := read(t, b.bytes())
	l := onlyLane(t, res)
	if l.Info.Kind != inspector.LaneCapture || l.Info.URL != "http://example.test/stream" || l.Info.Client != client || l.Info.Name != server {
		t.Errorf("lane info %+v", l.Info)
	}
	if l.Len() != 5 {
		t.Fatalf("%d events, want 5", l.Len())
	}
	for i := range 5 {
		if got, want := l.Arrival(i), ms(100*(i+1)); got != want {
			t.Errorf("event %d arrived at %v, want the capture time of its segment, %v", i+1, got, want)
		}
	}
	cn := l.Conns[0]
	if cn.Status != 200 || cn.HeadersAt != ms(2) || cn.Start != ms(1) || cn.Cause != inspector.CauseEOF || cn.End != ms(600) {
		t.Errorf("conn %+v", cn)
	}
	if r := l.Read(0); r.WireSize != len(event(1)) || r.Size != len(event(1)) {
		t.Errorf("first read %+v: the segment's body bytes without chunk framing", r)
	}
	if res.Streams != 1 || res.Responses != 1 || res.Connections != 1 {
		t.Errorf("result %+v", res)
	}
}

func TestOutOfOrderAndRetransmittedSegments(t *testing.T) {
	b := newCapture(t, layers.LinkTypeEthernet)
	c := b.conn(client, server, 0)
	c.send(true, ms(1), getStream("/stream", ""))
	c.send(false, ms(2), plainHeader)
	s1 := c.send(false, ms(100), event(1))
	s2 := c.seqOf(false)
	c.skip(false, len(event(2)))
	c.send(false, ms(200), event(3))       // arrives before event 2
	c.sendAt(false, ms(250), s2, event(2)) // event 2 fills the hole
	c.sendAt(false, ms(260), s1, event(1)) // a retransmission
	c.send(false, ms(300), event(4))
	c.fin(false, ms(400))
	res := read(t, b.bytes())
	l := onlyLane(t, res)
	want := []time.Duration{ms(100), ms(250), ms(250), ms(300)}
	if l.Len() != len(want) {
		t.Fatalf("%d events, want %d", l.Len(), len(want))
	}
	for i, w := range want {
		if ev := l.Event(i); ev.ID != fmt.Sprint(i+1) || ev.Arrival != w {
			t.Errorf("event %d: id %s at %v, want at %v", i+1, ev.ID, ev.Arrival, w)
		}
	}
	if res.Retransmitted != int64(len(event(1))) || len(res.Gaps) != 0 {
		t.Errorf("retransmitted %d, gaps %v", res.Retransmitted, res.Gaps)
	}
	if cn := l.Conns[0]; cn.Cause != inspector.CauseEOF || !strings.Contains(cn.Err, "server sent FIN") {
		t.Errorf("conn ended %s %q", cn.Cause, cn.Err)
	}
}

func TestMissingSegmentIsAGap(t *testing.T) {
	b := newCapture(t, layers.LinkTypeEthernet)
	c := b.conn(client, server, 0)
	c.send(true, ms(1), getStream("/stream", ""))
	c.send(false, ms(2), plainHeader)
	c.send(false, ms(100), event(1)+"id: 2\ndata: ev")
	c.skip(false, len("ent 2\n\n")+len(event(3))) // never captured
	c.send(false, ms(300), "id: 4\ndata: half")   // the tail of an event is garbage after a gap
	c.send(false, ms(301), " four\n\n"+event(5))
	c.fin(false, ms(400))
	res := read(t, b.bytes())
	l := onlyLane(t, res)
	if len(res.Gaps) != 1 || res.Gaps[0].Bytes != int64(len("ent 2\n\n")+len(event(3))) || res.Gaps[0].Lane != l.Info.ID {
		t.Fatalf("gaps %+v", res.Gaps)
	}
	var ids []string
	for _, ev := range l.Events() {
		ids = append(ids, ev.ID)
	}
	if strings.Join(ids, ",") != "1,5" {
		t.Errorf("events %v: want 1 before the gap and 5 after the next event boundary, nothing joined across", ids)
	}
	if !strings.Contains(l.StateDetail, "missing") {
		t.Errorf("lane detail %q does not show the gap", l.StateDetail)
	}
}

func TestGapInChunkedBodyEndsDecoding(t *testing.T) {
	b := newCapture(t, layers.LinkTypeEthernet)
	c := b.conn(client, server, 0)
	c.send(true, ms(1), getStream("/stream", ""))
	c.send(false, ms(2), chunkedHeader)
	c.send(false, ms(100), chunk(event(1)))
	c.skip(false, len(chunk(event(2))))
	c.send(false, ms(300), chunk(event(3)))
	c.fin(false, ms(400))
	l := onlyLane(t, read(t, b.bytes()))
	cn := l.Conns[0]
	if l.Len() != 1 || cn.Cause != inspector.CauseReset || !strings.Contains(cn.Err, "missing") || cn.End != ms(400) {
		t.Errorf("%d events, conn ended %s at %v: %q", l.Len(), cn.Cause, cn.End, cn.Err)
	}
}

func TestSnapLengthCutIsAGap(t *testing.T) {
	b := newCapture(t, layers.LinkTypeEthernet)
	c := b.conn(client, server, 0)
	c.send(true, ms(1), getStream("/stream", ""))
	c.send(false, ms(2), plainHeader)
	c.sendSnapped(false, ms(100), event(1)+event(2), len(event(2)))
	c.send(false, ms(200), event(3))
	c.fin(false, ms(300))
	res := read(t, b.bytes())
	l := onlyLane(t, res)
	if len(res.Gaps) != 1 || res.Gaps[0].Bytes != int64(len(event(2))) {
		t.Fatalf("gaps %+v", res.Gaps)
	}
	if l.Len() != 1 || l.Event(0).ID != "1" {
		t.Errorf("%d events: want event 1 only (event 3 follows the gap without a boundary seen)", l.Len())
	}
}

func TestTruncatedCaptureKeepsWhatPrecedes(t *testing.T) {
	b := newCapture(t, layers.LinkTypeEthernet)
	c := b.conn(client, server, 0)
	c.send(true, ms(1), getStream("/stream", ""))
	c.send(false, ms(2), chunkedHeader)
	c.send(false, ms(100), chunk(event(1)))
	c.send(false, ms(200), chunk(event(2)))
	data := b.bytes()
	res := read(t, data[:len(data)-10])
	l := onlyLane(t, res)
	if !res.Truncated || l.Len() != 1 || len(res.Warnings) == 0 || !strings.Contains(res.Warnings[0], "cut short") {
		t.Fatalf("truncated %v, %d events, warnings %q", res.Truncated, l.Len(), res.Warnings)
	}
	if cn := l.Conns[0]; cn.Cause != inspector.CauseCancelled || !strings.Contains(cn.Err, "capture ended") {
		t.Errorf("conn %s %q: want ended by the end of the capture", cn.Cause, cn.Err)
	}
}

func TestWhoEndedTheConnection(t *testing.T) {
	tests := []struct {
		name   string
		end    func(c *tcpConn)
		cause  inspector.CloseCause
		errHas string
	}{
		{"server RST", func(c *tcpConn) { c.rst(false, ms(500)) }, inspector.CauseReset, "server sent RST"},
		{"server FIN mid-chunk", func(c *tcpConn) { c.fin(false, ms(500)) }, inspector.CauseIncompleteChunked, "before the last chunk"},
		{"client FIN", func(c *tcpConn) { c.fin(true, ms(500)) }, inspector.CauseClientGone, "client sent FIN"},
		{"client RST", func(c *tcpConn) { c.rst(true, ms(500)) }, inspector.CauseClientGone, "client sent RST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newCapture(t, layers.LinkTypeEthernet)
			c := b.conn(client, server, 0)
			c.send(true, ms(1), getStream("/stream", ""))
			c.send(false, ms(2), chunkedHeader)
			c.send(false, ms(100), chunk(event(1)))
			tt.end(c)
			cn := onlyLane(t, read(t, b.bytes())).Conns[0]
			if cn.Cause != tt.cause || !strings.Contains(cn.Err, tt.errHas) || cn.End != ms(500) {
				t.Errorf("ended %s at %v (%q), want %s with %q", cn.Cause, cn.End, cn.Err, tt.cause, tt.errHas)
			}
		})
	}
}

func TestReconnectWithLastEventIDIsOneLane(t *testing.T) {
	b := newCapture(t, layers.LinkTypeEthernet)
	c := b.conn(client, server, 0)
	c.send(true, ms(1), getStream("/stream", ""))
	c.send(false, ms(2), chunkedHeader)
	c.send(false, ms(100), chunk(event(1))+chunk(event(2)))
	c.rst(false, ms(200))
	c2 := b.conn("10.0.0.5:40001", server, ms(3200))
	c2.send(true, ms(3201), getStream("/stream", "2"))
	c2.send(false, ms(3202), chunkedHeader)
	c2.send(false, ms(3300), chunk(event(3)))
	c2.fin(true, ms(3400))
	l := onlyLane(t, read(t, b.bytes()))
	if len(l.Conns) != 2 || l.Conns[1].LastEventID != "2" || l.Conns[0].Cause != inspector.CauseReset || l.Len() != 3 {
		t.Fatalf("conns %+v, %d events", l.Conns, l.Len())
	}
}

func TestUnrelatedConnectionsAndTLSAreSkipped(t *testing.T) {
	b := newCapture(t, layers.LinkTypeEthernet)
	for i := range 3000 {
		u := b.conn(fmt.Sprintf("10.0.%d.%d:5000", i/250, i%250+1), "10.0.0.1:5432", ms(i%10))
		u.send(true, ms(10), "\x00\x00\x00\x08\x04\xd2\x16\x2f") // a database protocol
		u.send(false, ms(11), "N")
		if i%2 == 0 {
			u.fin(true, ms(12))
			u.fin(false, ms(12))
		}
	}
	tls := b.conn("10.0.0.9:41000", "10.0.0.1:443", ms(20))
	tls.send(true, ms(21), "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03")
	tls.send(false, ms(22), "\x16\x03\x03\x00\x5a\x02")
	c := b.conn(client, server, ms(30))
	c.send(true, ms(31), getStream("/stream", ""))
	c.send(false, ms(32), chunkedHeader)
	c.send(false, ms(100), chunk(event(1)))
	res := read(t, b.bytes())
	l := onlyLane(t, res)
	if l.Len() != 1 || res.Connections != 3002 || len(res.TLS) != 1 || res.TLS[0].Server != "10.0.0.1:443" {
		t.Fatalf("%d events, %d connections, TLS %v", l.Len(), res.Connections, res.TLS)
	}
}

func TestLinkTypesAndIPv6(t *testing.T) {
	tests := []struct {
		name   string
		b      func(t *testing.T) *capBuilder
		client string
		server string
	}{
		{"ethernet ipv6", func(t *testing.T) *capBuilder { return newCapture(t, layers.LinkTypeEthernet) }, "[fd00::5]:40000", "[fd00::1]:8080"},
		{"vlan", func(t *testing.T) *capBuilder {
			b := newCapture(t, layers.LinkTypeEthernet)
			b.vlan = true
			return b
		}, client, server},
		{"linux cooked (tcpdump -i any)", func(t *testing.T) *capBuilder { return newCapture(t, layers.LinkTypeLinuxSLL) }, client, server},
		{"linux cooked v2, pcapng", func(t *testing.T) *capBuilder { return newNgCapture(t, layers.LinkTypeLinuxSLL2) }, "[::1]:40000", "[::1]:8080"},
		{"raw ip", func(t *testing.T) *capBuilder { return newCapture(t, layers.LinkTypeRaw) }, client, server},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.b(t)
			c := b.conn(tt.client, tt.server, 0)
			c.send(true, ms(1), getStream("/stream", ""))
			c.send(false, ms(2), chunkedHeader)
			c.send(false, ms(100), chunk(event(1))+chunk(event(2)))
			c.send(false, ms(200), "0\r\n\r\n")
			l := onlyLane(t, read(t, b.bytes()))
			if l.Len() != 2 || l.Info.Name != tt.server || l.Conns[0].Cause != inspector.CauseEOF {
				t.Fatalf("%d events on %q, cause %s", l.Len(), l.Info.Name, l.Conns[0].Cause)
			}
		})
	}
}

func TestNotACaptureIsRefused(t *testing.T) {
	_, err := capture.Read(strings.NewReader(`{"format":"sseinspector-session"}`), 0, capture.Options{})
	if err == nil || !strings.Contains(err.Error(), "not a pcap or pcapng capture") {
		t.Fatalf("err %v", err)
	}
	b := newCapture(t, layers.LinkTypeIEEE802_11)
	b.buf.Write(make([]byte, 16+40)) // one packet header and a body
	_, err = capture.Read(bytes.NewReader(b.bytes()), 0, capture.Options{})
	if err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Fatalf("err %v", err)
	}
}

func TestRequestToAForwardProxyKeepsItsURL(t *testing.T) {
	b := newCapture(t, layers.LinkTypeEthernet)
	c := b.conn(client, "10.0.0.1:3128", 0)
	c.send(true, ms(1), "GET http://example.test/feed?x=1 HTTP/1.1\r\nHost: example.test\r\nAccept: text/event-stream\r\n\r\n")
	c.send(false, ms(2), chunkedHeader+chunk(event(1)))
	if l := onlyLane(t, read(t, b.bytes())); l.Info.URL != "http://example.test/feed?x=1" || l.Len() != 1 {
		t.Fatalf("url %q, %d events", l.Info.URL, l.Len())
	}
}

func TestFailedEventSourceRequestIsRecorded(t *testing.T) {
	b := newCapture(t, layers.LinkTypeEthernet)
	c := b.conn(client, server, 0)
	c.send(true, ms(1), getStream("/stream", ""))
	c.send(false, ms(2), "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: 5\r\n\r\nerror")
	c.send(true, ms(3), getStream("/stream", "")) // keep-alive: the next request on the same connection
	c.send(false, ms(4), chunkedHeader)
	c.send(false, ms(100), chunk(event(1)))
	l := onlyLane(t, read(t, b.bytes()))
	if len(l.Conns) != 2 || l.Conns[0].Cause != inspector.CauseHTTPStatus || l.Conns[0].Status != 502 || l.Len() != 1 {
		t.Fatalf("conns %+v, %d events", l.Conns, l.Len())
	}
}

func TestProxyCaptureIsAChain(t *testing.T) {
	b := newCapture(t, layers.LinkTypeEthernet)
	front := b.conn(client, "10.0.0.1:80", 0)
	front.send(true, ms(1), getStream("/stream", ""))
	back := b.conn("10.0.0.1:50000", "10.0.0.2:8081", ms(2))
	back.send(true, ms(3), "GET /stream HTTP/1.0\r\nHost: backend\r\nAccept: text/event-stream\r\n\r\n")
	back.send(false, ms(4), plainHeader)
	all := ""
	for i := 1; i <= 10; i++ {
		back.send(false, ms(100*i), event(i))
		all += event(i)
	}
	back.fin(false, ms(1001))
	front.send(false, ms(1002), chunkedHeader+chunk(all)+"0\r\n\r\n")
	res := read(t, b.bytes())
	snap := res.Session.Snapshot()
	if len(snap.Lanes) != 2 || len(res.Chains) != 1 {
		t.Fatalf("%d lanes, chains %v", len(snap.Lanes), res.Chains)
	}
	chain := res.Chains[0]
	if len(chain) != 2 || snap.Lane(chain[0]).Info.Name != "10.0.0.2:8081" || snap.Lane(chain[1]).Info.Name != "10.0.0.1:80" {
		t.Fatalf("chain %v: want the upstream side first", chain)
	}
}

func TestProgressIsReported(t *testing.T) {
	b := newCapture(t, layers.LinkTypeEthernet)
	c := b.conn(client, server, 0)
	c.send(true, ms(1), getStream("/stream", ""))
	data := b.bytes()
	var last, total int64
	_, err := capture.Read(bytes.NewReader(data), int64(len(data)), capture.Options{Progress: func(r, t int64) { last, total = r, t }})
	if err != nil || last != int64(len(data)) || total != int64(len(data)) {
		t.Fatalf("progress %d of %d, err %v; want the whole file", last, total, err)
	}
}

func TestConnectionOpenBeforeTheCaptureIsSkipped(t *testing.T) {
	b := newCapture(t, layers.LinkTypeEthernet)
	mid := b.midConn(client, server)
	mid.send(false, ms(1), chunk(event(7))) // the stream's headers went by before the capture began
	mid.send(true, ms(2), "")
	res := read(t, b.bytes())
	if n := len(res.Session.Snapshot().Lanes); n != 0 || res.Connections != 1 {
		t.Fatalf("%d lanes from %d connections: a body without its headers cannot be read", n, res.Connections)
	}
}

func TestGzipStreamIsDecodedSegmentBySegment(t *testing.T) {
	b := newCapture(t, layers.LinkTypeEthernet)
	c := b.conn(client, server, 0)
	c.send(true, ms(1), getStream("/stream", ""))
	c.send(false, ms(2), "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n")
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	for i := 1; i <= 3; i++ {
		zw.Write([]byte(event(i)))
		zw.Flush() // a sync flush per event, as a streaming compressor does
		c.send(false, ms(100*i), chunk(z.String()))
		z.Reset()
	}
	zw.Close()
	c.send(false, ms(400), chunk(z.String())+"0\r\n\r\n")
	c.fin(false, ms(401))
	l := onlyLane(t, read(t, b.bytes()))
	if l.Len() != 3 {
		t.Fatalf("%d events, want 3 (%s)", l.Len(), l.StateDetail)
	}
	for i := range 3 {
		if got := l.Arrival(i); got != ms(100*(i+1)) {
			t.Errorf("event %d at %v, want %v: the time of the segment that carried it", i+1, got, ms(100*(i+1)))
		}
	}
	if cn := l.Conns[0]; cn.WireBytes >= cn.Bytes+100 || cn.Cause != inspector.CauseEOF {
		t.Errorf("conn %+v", cn)
	}
}

func TestCorruptGzipStopsDecoding(t *testing.T) {
	b := newCapture(t, layers.LinkTypeEthernet)
	c := b.conn(client, server, 0)
	c.send(true, ms(1), getStream("/stream", ""))
	c.send(false, ms(2), "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Encoding: gzip\r\n\r\n")
	c.send(false, ms(100), "this is not gzip at all, just text")
	c.fin(false, ms(200))
	l := onlyLane(t, read(t, b.bytes()))
	if l.Len() != 0 || !strings.Contains(l.StateDetail, "gzip") || l.Conns[0].WireBytes == 0 {
		t.Fatalf("%d events, detail %q, conn %+v", l.Len(), l.StateDetail, l.Conns[0])
	}
}
