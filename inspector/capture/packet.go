package capture

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// segment is one TCP segment of a capture.
type segment struct {
	at       time.Time
	src, dst netip.AddrPort
	seq      uint32
	syn, ack bool
	fin, rst bool
	payload  []byte // valid until the next packet is decoded
	// missing counts payload bytes the capture cut off (snap length).
	missing int
}

// decoder decodes the packets of one link type down to TCP.
type decoder struct {
	link    layers.LinkType
	parsers map[gopacket.LayerType]*gopacket.DecodingLayerParser
	first   gopacket.LayerType
	eth     layers.Ethernet
	sll     layers.LinuxSLL
	sll2    layers.LinuxSLL2
	dot1q   layers.Dot1Q
	lo      layers.Loopback
	ip4     layers.IPv4
	ip6     layers.IPv6
	ip6ext  layers.IPv6ExtensionSkipper
	tcp     layers.TCP
	types   []gopacket.LayerType
}

// maxIPPacket is the most an IP packet (or a segmentation-offloaded
// burst, as captured on the sending host) carries.
const maxIPPacket = 256 << 10

// errNotTCP marks a packet that carries no TCP segment (UDP, ARP, ...).
var errNotTCP = fmt.Errorf("not a TCP segment")

// errFragment marks an IPv4 fragment, which is not reassembled.
var errFragment = fmt.Errorf("IP fragment")

// newDecoder makes a decoder for a capture's link type.
func newDecoder(link layers.LinkType) (*decoder, error) {
	d := &decoder{link: link, parsers: make(map[gopacket.LayerType]*gopacket.DecodingLayerParser)}
	switch link {
	case layers.LinkTypeEthernet:
		d.first = layers.LayerTypeEthernet
	case layers.LinkTypeLinuxSLL:
		d.first = layers.LayerTypeLinuxSLL
	case layers.LinkTypeLinuxSLL2:
		d.first = layers.LayerTypeLinuxSLL2
	case layers.LinkTypeNull, layers.LinkTypeLoop:
		d.first = layers.LayerTypeLoopback
	case layers.LinkTypeRaw, layers.LinkTypeIPv4, layers.LinkTypeIPv6:
		d.first = gopacket.LayerTypeZero // chosen per packet from the IP version
	default:
		return nil, fmt.Errorf("link type %s (%d) is not supported: captures of Ethernet, Linux cooked (tcpdump -i any), loopback or raw IP are", link, int(link))
	}
	return d, nil
}

func (d *decoder) parser(first gopacket.LayerType) *gopacket.DecodingLayerParser {
	p := d.parsers[first]
	if p == nil {
		p = gopacket.NewDecodingLayerParser(first, &d.eth, &d.sll, &d.sll2, &d.dot1q, &d.lo, &d.ip4, &d.ip6, &d.ip6ext, &d.tcp)
		p.IgnoreUnsupported = true
		d.parsers[first] = p
	}
	return p
}

// decode reads one packet into s. It returns errNotTCP for packets that
// carry no TCP segment.
func (d *decoder) decode(data []byte, ci gopacket.CaptureInfo, s *segment) error {
	first := d.first
	if first == gopacket.LayerTypeZero {
		if len(data) == 0 {
			return errNotTCP
		}
		first = layers.LayerTypeIPv4
		if data[0]>>4 == 6 {
			first = layers.LayerTypeIPv6
		}
	}
	if err := d.parser(first).DecodeLayers(data, &d.types); err != nil {
		return fmt.Errorf("decode packet: %w", err)
	}
	var src, dst netip.Addr
	gotIP, gotTCP := false, false
	for _, t := range d.types {
		switch t {
		case layers.LayerTypeIPv4:
			if d.ip4.Flags&layers.IPv4MoreFragments != 0 || d.ip4.FragOffset != 0 {
				return errFragment
			}
			src, _ = netip.AddrFromSlice(d.ip4.SrcIP.To4())
			dst, _ = netip.AddrFromSlice(d.ip4.DstIP.To4())
			gotIP = true
		case layers.LayerTypeIPv6:
			src, _ = netip.AddrFromSlice(d.ip6.SrcIP)
			dst, _ = netip.AddrFromSlice(d.ip6.DstIP)
			gotIP = true
		case layers.LayerTypeTCP:
			gotTCP = true
		}
	}
	if !gotIP || !gotTCP {
		return errNotTCP
	}
	t := &d.tcp
	*s = segment{at: ci.Timestamp, src: netip.AddrPortFrom(src, uint16(t.SrcPort)), dst: netip.AddrPortFrom(dst, uint16(t.DstPort)),
		seq: t.Seq, syn: t.SYN, ack: t.ACK, fin: t.FIN, rst: t.RST, payload: t.Payload}
	if ci.Length > ci.CaptureLength {
		// One IP packet carries at most 64 KiB; a larger claim is corrupt.
		s.missing = min(ci.Length-ci.CaptureLength, maxIPPacket)
	}
	return nil
}
