package capture_test

import (
	"bytes"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"github.com/sseinspector/sseinspector/inspector/capture"
)

// seedCaptures are well-formed captures the fuzzer mutates: a stream, a
// reordered and gapped stream, a pcapng with Linux cooked headers and a
// gzip-encoded stream.
func seedCaptures(tb testing.TB) [][]byte {
	var out [][]byte
	b := newCapture(tb, layers.LinkTypeEthernet)
	c := b.conn(client, server, 0)
	c.send(true, ms(1), getStream("/stream", "3"))
	c.send(false, ms(2), chunkedHeader)
	c.send(false, ms(3), chunk(event(4))+chunk(": ping\n\n"))
	c.send(false, ms(4), "0\r\n\r\n")
	c.fin(false, ms(5))
	out = append(out, append([]byte(nil), b.bytes()...))

	b = newCapture(tb, layers.LinkTypeEthernet)
	c = b.conn(client, server, 0)
	c.send(true, ms(1), getStream("/s", ""))
	c.send(false, ms(2), plainHeader)
	s := c.seqOf(false)
	c.skip(false, len(event(1)))
	c.send(false, ms(3), event(2))
	c.sendAt(false, ms(4), s, event(1))
	c.skip(false, 7)
	c.send(false, ms(5), event(3))
	c.rst(true, ms(6))
	out = append(out, append([]byte(nil), b.bytes()...))

	b = newNgCapture(tb, layers.LinkTypeLinuxSLL2)
	c = b.conn("[::1]:4000", "[::1]:80", 0)
	c.send(true, ms(1), getStream("/x", ""))
	c.send(false, ms(2), "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: 30\r\n\r\n")
	c.send(false, ms(3), "data: a\n\ndata: b\n\n")
	out = append(out, append([]byte(nil), b.bytes()...))

	b = newCapture(tb, layers.LinkTypeEthernet)
	c = b.conn(client, server, 0)
	c.send(true, ms(1), getStream("/z", ""))
	c.send(false, ms(2), "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Encoding: gzip\r\n\r\n")
	c.send(false, ms(3), "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff\x4a\x49\x2c\x49\xb4\x52\x48\xe4\xe2\x02\x00\x00\x00\xff\xff")
	out = append(out, append([]byte(nil), b.bytes()...))
	return out
}

// FuzzRead reads arbitrary bytes as a capture: it must never panic, and a
// capture it accepts must give a session whose lanes can be read back and
// whose gaps are real.
func FuzzRead(f *testing.F) {
	for _, s := range seedCaptures(f) {
		f.Add(s, uint16(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, pending uint16) {
		res, err := capture.Read(bytes.NewReader(data), int64(len(data)), capture.Options{MaxPending: int(pending)})
		if err != nil {
			return
		}
		if res.Session == nil {
			t.Fatal("no session and no error")
		}
		snap := res.Session.Snapshot()
		for _, l := range snap.Lanes {
			if got := len(l.Events()); got != l.Len() {
				t.Fatalf("lane %d: %d events materialized of %d", l.Info.ID, got, l.Len())
			}
			for _, c := range l.Conns {
				if c.Reads < 0 || c.Bytes < 0 || c.WireBytes < 0 {
					t.Fatalf("conn %+v", c)
				}
			}
		}
		for _, g := range res.Gaps {
			if g.Bytes <= 0 || snap.Lane(g.Lane) == nil {
				t.Fatalf("gap %+v", g)
			}
		}
	})
}
