package capture_test

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// capBuilder writes a synthetic capture with gopacket's own writers: TCP
// connections whose segments the test places in any order, at any time.
type capBuilder struct {
	t     testing.TB
	buf   bytes.Buffer
	w     *pcapgo.Writer
	ng    *pcapgo.NgWriter
	link  layers.LinkType
	vlan  bool
	start time.Time
}

func newCapture(t testing.TB, link layers.LinkType) *capBuilder {
	b := &capBuilder{t: t, link: link}
	return b.writeTo(&b.buf)
}

// newCaptureTo writes a pcap capture to w instead of memory.
func newCaptureTo(t testing.TB, w io.Writer, link layers.LinkType) *capBuilder {
	return (&capBuilder{t: t, link: link}).writeTo(w)
}

func (b *capBuilder) writeTo(w io.Writer) *capBuilder {
	t := b.t
	b.start = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	b.w = pcapgo.NewWriterNanos(w)
	if err := b.w.WriteFileHeader(65536, b.link); err != nil {
		t.Fatal(err)
	}
	return b
}

func newNgCapture(t testing.TB, link layers.LinkType) *capBuilder {
	b := &capBuilder{t: t, link: link, start: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	ng, err := pcapgo.NewNgWriter(&b.buf, link)
	if err != nil {
		t.Fatal(err)
	}
	b.ng = ng
	return b
}

// bytes returns the capture written so far.
func (b *capBuilder) bytes() []byte {
	if b.ng != nil {
		if err := b.ng.Flush(); err != nil {
			b.t.Fatal(err)
		}
	}
	return b.buf.Bytes()
}

// tcpConn is one connection of a synthetic capture.
type tcpConn struct {
	b              *capBuilder
	client, server netip.AddrPort
	cseq, sseq     uint32
}

// conn opens a connection with a three-way handshake at time at.
func (b *capBuilder) conn(client, server string, at time.Duration) *tcpConn {
	c := &tcpConn{b: b, client: netip.MustParseAddrPort(client), server: netip.MustParseAddrPort(server),
		cseq: 1000, sseq: 5000}
	c.packet(true, at, c.cseq, func(t *layers.TCP) { t.SYN = true }, nil, 0)
	c.packet(false, at, c.sseq, func(t *layers.TCP) { t.SYN, t.ACK = true, true }, nil, 0)
	c.cseq++
	c.sseq++
	c.packet(true, at, c.cseq, func(t *layers.TCP) { t.ACK = true }, nil, 0)
	return c
}

// midConn is a connection whose handshake the capture did not see.
func (b *capBuilder) midConn(client, server string) *tcpConn {
	return &tcpConn{b: b, client: netip.MustParseAddrPort(client), server: netip.MustParseAddrPort(server),
		cseq: 1001, sseq: 5001}
}

// send writes payload from one side as one segment at time at and
// advances that side's sequence number.
func (c *tcpConn) send(fromClient bool, at time.Duration, payload string) uint32 {
	seq := c.seqOf(fromClient)
	c.packet(fromClient, at, seq, func(t *layers.TCP) { t.ACK, t.PSH = true, true }, []byte(payload), 0)
	c.advance(fromClient, len(payload))
	return seq
}

// sendAt writes a segment with an explicit sequence number, for
// retransmissions and reordering; it does not advance.
func (c *tcpConn) sendAt(fromClient bool, at time.Duration, seq uint32, payload string) {
	c.packet(fromClient, at, seq, func(t *layers.TCP) { t.ACK, t.PSH = true, true }, []byte(payload), 0)
}

// sendSnapped writes a segment whose last cut bytes the snap length cut off.
func (c *tcpConn) sendSnapped(fromClient bool, at time.Duration, payload string, cut int) {
	seq := c.seqOf(fromClient)
	c.packet(fromClient, at, seq, func(t *layers.TCP) { t.ACK, t.PSH = true, true }, []byte(payload), cut)
	c.advance(fromClient, len(payload))
}

// skip advances a side's sequence number over bytes the capture missed.
func (c *tcpConn) skip(fromClient bool, n int) { c.advance(fromClient, n) }

func (c *tcpConn) fin(fromClient bool, at time.Duration) {
	c.packet(fromClient, at, c.seqOf(fromClient), func(t *layers.TCP) { t.FIN, t.ACK = true, true }, nil, 0)
	c.advance(fromClient, 1)
}

func (c *tcpConn) rst(fromClient bool, at time.Duration) {
	c.packet(fromClient, at, c.seqOf(fromClient), func(t *layers.TCP) { t.RST = true }, nil, 0)
}

func (c *tcpConn) seqOf(fromClient bool) uint32 {
	if fromClient {
		return c.cseq
	}
	return c.sseq
}

func (c *tcpConn) advance(fromClient bool, n int) {
	if fromClient {
		c.cseq += uint32(n)
	} else {
		c.sseq += uint32(n)
	}
}

// packet serializes and writes one TCP segment; cut drops that many bytes
// from the end of the captured copy, as a short snap length does.
func (c *tcpConn) packet(fromClient bool, at time.Duration, seq uint32, set func(*layers.TCP), payload []byte, cut int) {
	src, dst := c.client, c.server
	if !fromClient {
		src, dst = dst, src
	}
	tcp := &layers.TCP{SrcPort: layers.TCPPort(src.Port()), DstPort: layers.TCPPort(dst.Port()), Seq: seq, Window: 65535}
	set(tcp)
	data := c.b.frame(src.Addr(), dst.Addr(), tcp, payload)
	ci := gopacket.CaptureInfo{Timestamp: c.b.start.Add(at), CaptureLength: len(data) - cut, Length: len(data)}
	var err error
	if c.b.ng != nil {
		err = c.b.ng.WritePacket(ci, data[:len(data)-cut])
	} else {
		err = c.b.w.WritePacket(ci, data[:len(data)-cut])
	}
	if err != nil {
		c.b.t.Fatal(err)
	}
}

// frame builds the link, IP and TCP headers around a payload.
func (b *capBuilder) frame(src, dst netip.Addr, tcp *layers.TCP, payload []byte) []byte {
	var ip gopacket.SerializableLayer
	etherType := layers.EthernetTypeIPv4
	if src.Is4() {
		ip4 := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: net.IP(src.AsSlice()), DstIP: net.IP(dst.AsSlice())}
		_ = tcp.SetNetworkLayerForChecksum(ip4)
		ip = ip4
	} else {
		ip6 := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolTCP, SrcIP: net.IP(src.AsSlice()), DstIP: net.IP(dst.AsSlice())}
		_ = tcp.SetNetworkLayerForChecksum(ip6)
		ip = ip6
		etherType = layers.EthernetTypeIPv6
	}
	ls := []gopacket.SerializableLayer{ip, tcp, gopacket.Payload(payload)}
	var prefix []byte
	switch b.link {
	case layers.LinkTypeEthernet:
		eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, EthernetType: etherType}
		if b.vlan {
			eth.EthernetType = layers.EthernetTypeDot1Q
			ls = append([]gopacket.SerializableLayer{eth, &layers.Dot1Q{VLANIdentifier: 42, Type: etherType}}, ls...)
		} else {
			ls = append([]gopacket.SerializableLayer{eth}, ls...)
		}
	case layers.LinkTypeLinuxSLL:
		prefix = make([]byte, 16)
		binary.BigEndian.PutUint16(prefix[2:], 772) // ARPHRD_LOOPBACK
		binary.BigEndian.PutUint16(prefix[14:], uint16(etherType))
	case layers.LinkTypeLinuxSLL2:
		prefix = make([]byte, 20)
		binary.BigEndian.PutUint16(prefix[0:], uint16(etherType))
		binary.BigEndian.PutUint32(prefix[4:], 1)
		binary.BigEndian.PutUint16(prefix[8:], 772)
	}
	sb := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(sb, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		b.t.Fatal(err)
	}
	return append(prefix, sb.Bytes()...)
}
