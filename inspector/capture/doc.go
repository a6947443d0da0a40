// Package capture turns a packet capture (pcap or pcapng, as written by
// tcpdump -w) into a session: every plain HTTP/1.1 text/event-stream
// response in it becomes a lane whose reads are the TCP segments as
// captured, stamped with their capture times, so the same measures and
// rules apply as to a live lane.
//
// Packets are read with github.com/gopacket/gopacket: its pcapgo reads both
// file formats in pure Go (no libpcap, no cgo, so the CGO_ENABLED=0 build
// reads captures too) and its layers decode Ethernet, 802.1Q VLAN tags,
// Linux cooked headers (v1 and v2, as tcpdump -i any writes), BSD loopback,
// IPv4 and IPv6. It is the maintained continuation of google/gopacket.
// TCP reassembly is done here rather than with a generic assembler because
// a lane needs each segment with its own time, and because what the
// capture lacks must be shown rather than joined: retransmissions are
// trimmed, out-of-order segments wait for the bytes before them, and bytes
// the capture never saw are reported as gaps.
//
// A gzip or deflate Content-Encoding is undone segment by segment (see
// pushDecoder), so decoded events keep the time of the segment that
// completed them.
//
// Memory stays bounded for captures of any size: packets are streamed,
// each connection keeps at most a bounded amount of out-of-order data,
// connections that are not HTTP are dropped at their first bytes, and lanes
// obey the session's limits.
package capture
