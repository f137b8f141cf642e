package threat

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// maxSnaplen bounds the bytes of one captured packet (tcpdump's
// MAXIMUM_SNAPLEN): a corrupt length field is an error, not a 4 GiB
// allocation.
const maxSnaplen = 262144

// ReadPcap reads a pcap (optionally gzip-compressed) or pcapng capture and
// returns its flows with their NSL-KDD features (see Flows).
func ReadPcap(path string) ([]Flow, error) {
	flows, _, err := ReadPcapReport(path)
	return flows, err
}

// PcapReport says how much of a capture was read.
type PcapReport struct {
	Packets  int  // packets read
	CutShort bool // the capture ends inside a packet (its writer was stopped mid-write): the packets before it were read
}

// ReadPcapReport is ReadPcap with a report of what was read, for callers that
// tell the user about a capture cut short.
func ReadPcapReport(path string) ([]Flow, PcapReport, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, PcapReport{}, fmt.Errorf("threat: read %q: %w", path, err)
	}
	defer f.Close()
	flows, rep, err := DecodePcapReport(f)
	if err != nil {
		return nil, rep, fmt.Errorf("threat: read %q: %w", path, err)
	}
	return flows, rep, nil
}

// DecodePcap reads a capture from r (pcap or pcapng, told apart by the magic
// number) and returns its flows. A pcapng stream is scanned once to check
// every block's lengths before gopacket's reader allocates from them, hence
// the io.ReadSeeker. A packet that does not decode (a truncated header, an
// unknown link type) is skipped; a malformed file structure is an error; a
// capture cut short inside a packet keeps the packets before the cut (see
// DecodePcapReport to learn of it).
func DecodePcap(r io.ReadSeeker) ([]Flow, error) {
	flows, _, err := DecodePcapReport(r)
	return flows, err
}

// DecodePcapReport is DecodePcap with a report of what was read.
func DecodePcapReport(r io.ReadSeeker) (flows []Flow, rep PcapReport, err error) {
	// gopacket's readers index and divide by values read from the file
	// without checking them (an interface's timestamp resolution of 2^-64
	// divides by zero, a short option is sliced past its end): a panic
	// inside them is a malformed file, reported as such.
	defer func() {
		if v := recover(); v != nil {
			flows, err = nil, fmt.Errorf("pcap: malformed capture (reader panicked: %v)", v)
		}
	}()
	var magic [4]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, rep, fmt.Errorf("pcap: header: %w", err)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, rep, err
	}
	var src packetSource
	if binary.LittleEndian.Uint32(magic[:]) == pcapngMagic {
		if err := checkPcapng(r); err != nil {
			return nil, rep, err
		}
		if _, err := r.Seek(0, io.SeekStart); err != nil {
			return nil, rep, err
		}
		ng, err := pcapgo.NewNgReader(r, pcapgo.NgReaderOptions{WantMixedLinkType: true})
		if err != nil {
			return nil, rep, fmt.Errorf("pcapng: %w", err)
		}
		src = ngSource{ng}
	} else {
		pr, err := pcapgo.NewReader(r)
		if err != nil {
			return nil, rep, fmt.Errorf("pcap: not a pcap or pcapng capture: %w", err)
		}
		pr.SetSnaplen(maxSnaplen)
		src = pcapSource{pr}
	}
	var a assembler
	for {
		data, ci, lt, err := src.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			rep.CutShort = true // the writer was stopped mid-packet: keep what was read
			break
		}
		if err != nil {
			return nil, rep, fmt.Errorf("pcap: packet %d: %w", a.packets+1, err)
		}
		a.packets++
		if p, ok := decodePacket(data, lt, ci); ok {
			a.add(p)
		}
	}
	rep.Packets = a.packets
	return a.flows(), rep, nil
}

// packetSource abstracts the two pcapgo readers.
type packetSource interface {
	next() ([]byte, gopacket.CaptureInfo, layers.LinkType, error)
}

type pcapSource struct{ r *pcapgo.Reader }

func (s pcapSource) next() ([]byte, gopacket.CaptureInfo, layers.LinkType, error) {
	d, ci, err := s.r.ReadPacketData()
	return d, ci, s.r.LinkType(), err
}

type ngSource struct{ r *pcapgo.NgReader }

func (s ngSource) next() ([]byte, gopacket.CaptureInfo, layers.LinkType, error) {
	d, ci, err := s.r.ReadPacketData()
	lt := s.r.LinkType()
	if len(ci.AncillaryData) > 0 {
		if l, ok := ci.AncillaryData[0].(layers.LinkType); ok {
			lt = l
		}
	}
	return d, ci, lt, err
}

// pcapng block types and the section header's magic.
const (
	pcapngMagic     = 0x0A0D0D0A
	ngByteOrder     = 0x1A2B3C4D
	ngInterfaceDesc = 1
	ngPacket        = 2 // obsolete Packet Block
	ngSimplePacket  = 3
	ngEnhPacket     = 6
	maxNgBlock      = 1 << 24
)

// checkPcapng walks the blocks of a pcapng stream and fails where gopacket's
// NgReader would trust a length it has not checked: a packet's captured length
// beyond its block, or a simple packet block longer than its block when the
// interface sets no snap length.
func checkPcapng(r io.Reader) error {
	br := bufio.NewReader(r)
	var order binary.ByteOrder = binary.LittleEndian
	var snaplens []uint32
	var hdr [28]byte
	for block := 0; ; block++ {
		if _, err := io.ReadFull(br, hdr[:8]); err != nil {
			if errors.Is(err, io.EOF) && block > 0 {
				return nil
			}
			if errors.Is(err, io.ErrUnexpectedEOF) && block > 0 {
				return nil // a truncated tail: the reader stops there too
			}
			return fmt.Errorf("pcapng: block %d: %w", block, err)
		}
		typ := binary.LittleEndian.Uint32(hdr[:4])
		body := 0
		if typ == pcapngMagic {
			if _, err := io.ReadFull(br, hdr[8:12]); err != nil {
				return nil
			}
			switch {
			case binary.LittleEndian.Uint32(hdr[8:12]) == ngByteOrder:
				order = binary.LittleEndian
			case binary.BigEndian.Uint32(hdr[8:12]) == ngByteOrder:
				order = binary.BigEndian
			default:
				return fmt.Errorf("pcapng: block %d: bad byte-order magic", block)
			}
			snaplens = snaplens[:0]
			body = 4
		} else {
			typ = order.Uint32(hdr[:4])
		}
		length := order.Uint32(hdr[4:8])
		if length < 12 || length > maxNgBlock {
			return fmt.Errorf("pcapng: block %d: length %d", block, length)
		}
		rest := int(length) - 8 - body
		need := 0
		switch typ {
		case ngEnhPacket, ngPacket:
			need = 20
		case ngInterfaceDesc:
			need = 8
		case ngSimplePacket:
			need = 4
		}
		if need > rest {
			return fmt.Errorf("pcapng: block %d (type %d): length %d too short", block, typ, length)
		}
		if _, err := io.ReadFull(br, hdr[8:8+need]); err != nil {
			return nil
		}
		switch typ {
		case ngEnhPacket, ngPacket:
			if caplen := order.Uint32(hdr[20:24]); int64(caplen) > int64(rest-need) {
				return fmt.Errorf("pcapng: block %d: captured length %d beyond its block of %d", block, caplen, length)
			}
		case ngInterfaceDesc:
			snaplens = append(snaplens, order.Uint32(hdr[12:16]))
		case ngSimplePacket:
			l := order.Uint32(hdr[8:12])
			if len(snaplens) > 0 && snaplens[0] != 0 {
				l = min(l, snaplens[0])
			}
			if int64(l) > int64(rest-need) {
				return fmt.Errorf("pcapng: block %d: simple packet of %d bytes beyond its block of %d", block, l, length)
			}
		}
		if _, err := br.Discard(rest - need); err != nil {
			return nil
		}
	}
}

// packet is what a flow needs from one captured packet.
type packet struct {
	ts       time.Time
	key      flowKey
	fwd      bool // sent from key.a to key.b
	proto    protocol
	payload  int    // application bytes (transport payload, including bytes cut by the snap length)
	seq      uint32 // TCP sequence number
	data     []byte // TCP payload as captured, kept for a port of inspectedPorts only
	syn, ack bool
	fin, rst bool
	urg      bool
	icmpType uint8
	icmpCode uint8
	// fragment of an IPv4 datagram (frag.id != 0 or more/offset set)
	frag     bool
	fragKey  fragKey
	fragOff  int // bytes
	fragLen  int
	fragMore bool
	first    bool // first fragment (carries the transport header) or unfragmented
}

// decodePacket extracts the packet's flow key and TCP state from data.
func decodePacket(data []byte, lt layers.LinkType, ci gopacket.CaptureInfo) (packet, bool) {
	pkt := gopacket.NewPacket(data, lt, gopacket.DecodeOptions{Lazy: true, NoCopy: true})
	p := packet{ts: ci.Timestamp, first: true}
	cut := max(0, ci.Length-ci.CaptureLength)
	// The innermost IP header (a tunnel's inner packet is the connection) and
	// the transport layer right after it.
	var ip4 *layers.IPv4
	var ip6 *layers.IPv6
	var transport gopacket.Layer
	for _, l := range pkt.Layers() {
		switch v := l.(type) {
		case *layers.IPv4:
			ip4, ip6, transport = v, nil, nil
		case *layers.IPv6:
			ip4, ip6, transport = nil, v, nil
		case *layers.TCP, *layers.UDP, *layers.ICMPv4, *layers.ICMPv6, *gopacket.Fragment:
			if transport == nil && (ip4 != nil || ip6 != nil) {
				transport = l
			}
		case *layers.ICMPv6Echo:
			if _, ok := transport.(*layers.ICMPv6); ok {
				p.key.extra = echoKey(v.Identifier, v.SeqNumber)
			}
		}
	}
	var src, dst []byte
	switch {
	case ip4 != nil:
		src, dst = ip4.SrcIP.To4(), ip4.DstIP.To4()
		if ip4.Flags&layers.IPv4MoreFragments != 0 || ip4.FragOffset != 0 {
			return decodeFragment(p, ip4, src, dst, cut)
		}
	case ip6 != nil:
		src, dst = ip6.SrcIP.To16(), ip6.DstIP.To16()
	default:
		return p, false
	}
	if src == nil || dst == nil {
		return p, false
	}
	var sport, dport uint16
	switch t := transport.(type) {
	case *layers.TCP:
		p.proto, sport, dport = protoTCP, uint16(t.SrcPort), uint16(t.DstPort)
		p.syn, p.ack, p.fin, p.rst, p.urg = t.SYN, t.ACK, t.FIN, t.RST, t.URG
		p.payload = len(t.LayerPayload()) + cut
		p.seq = t.Seq
		if inspectedPorts[sport] || inspectedPorts[dport] {
			p.data = t.LayerPayload()
		}
	case *layers.UDP:
		p.proto, sport, dport = protoUDP, uint16(t.SrcPort), uint16(t.DstPort)
		p.payload = len(t.LayerPayload()) + cut
	case *layers.ICMPv4:
		p.proto = protoICMP
		p.icmpType, p.icmpCode = t.TypeCode.Type(), t.TypeCode.Code()
		if p.icmpType == layers.ICMPv4TypeEchoRequest || p.icmpType == layers.ICMPv4TypeEchoReply {
			p.key.extra = echoKey(t.Id, t.Seq)
		}
		p.payload = len(t.LayerPayload()) + cut
	case *layers.ICMPv6:
		p.proto = protoICMP
		p.icmpType, p.icmpCode = icmp6To4(t.TypeCode.Type()), t.TypeCode.Code()
		p.payload = max(0, len(t.LayerPayload())-4) + cut // the echo id and sequence are header
	default:
		return p, false
	}
	if p.proto == protoICMP && p.key.extra == 0 {
		p.key.extra = 1<<40 | uint64(p.icmpType)<<8 | uint64(p.icmpCode)
	}
	p.key, p.fwd = newFlowKey(p.proto, src, dst, sport, dport, p.key.extra)
	return p, true
}

// decodeFragment reads what it can of a fragmented IPv4 datagram: the first
// fragment's transport header (ports, TCP flags, ICMP type), every fragment's
// offset and length for the wrong_fragment count.
func decodeFragment(p packet, ip *layers.IPv4, src, dst []byte, cut int) (packet, bool) {
	b := ip.Payload
	p.frag = true
	p.fragOff = int(ip.FragOffset) * 8
	p.fragLen = int(ip.Length) - int(ip.IHL)*4
	p.fragMore = ip.Flags&layers.IPv4MoreFragments != 0
	p.first = ip.FragOffset == 0
	var s4, d4 [4]byte
	copy(s4[:], src)
	copy(d4[:], dst)
	p.fragKey = fragKey{src: s4, dst: d4, id: ip.Id, proto: uint8(ip.Protocol)}
	p.payload = len(b) + cut
	switch ip.Protocol {
	case layers.IPProtocolTCP:
		p.proto = protoTCP
	case layers.IPProtocolUDP:
		p.proto = protoUDP
	case layers.IPProtocolICMPv4:
		p.proto = protoICMP
	default:
		return p, false
	}
	if !p.first {
		return p, true // attached to its datagram's flow by the assembler
	}
	var sport, dport uint16
	switch p.proto {
	case protoTCP:
		if len(b) < 14 {
			return p, false
		}
		sport, dport = binary.BigEndian.Uint16(b[0:2]), binary.BigEndian.Uint16(b[2:4])
		f := b[13]
		p.fin, p.syn, p.rst, p.ack, p.urg = f&0x01 != 0, f&0x02 != 0, f&0x04 != 0, f&0x10 != 0, f&0x20 != 0
		p.payload = max(0, p.payload-int(b[12]>>4)*4)
	case protoUDP:
		if len(b) < 8 {
			return p, false
		}
		sport, dport = binary.BigEndian.Uint16(b[0:2]), binary.BigEndian.Uint16(b[2:4])
		p.payload = max(0, p.payload-8)
	case protoICMP:
		if len(b) < 8 {
			return p, false
		}
		p.icmpType, p.icmpCode = b[0], b[1]
		if p.icmpType == layers.ICMPv4TypeEchoRequest || p.icmpType == layers.ICMPv4TypeEchoReply {
			p.key.extra = echoKey(binary.BigEndian.Uint16(b[4:6]), binary.BigEndian.Uint16(b[6:8]))
		} else {
			p.key.extra = 1<<40 | uint64(p.icmpType)<<8 | uint64(p.icmpCode)
		}
		p.payload = max(0, p.payload-8)
	}
	p.key, p.fwd = newFlowKey(p.proto, src, dst, sport, dport, p.key.extra)
	return p, true
}

// echoKey tells apart the echo exchanges between two hosts: each request and
// its reply are one connection, as in the KDD records (smurf, ipsweep).
func echoKey(id, seq uint16) uint64 { return 1<<41 | uint64(id)<<16 | uint64(seq) }

// icmp6To4 maps the ICMPv6 types that have an ICMPv4 counterpart, so that
// services (eco_i, ecr_i, urp_i, ...) are named alike.
func icmp6To4(t uint8) uint8 {
	switch t {
	case layers.ICMPv6TypeEchoRequest:
		return layers.ICMPv4TypeEchoRequest
	case layers.ICMPv6TypeEchoReply:
		return layers.ICMPv4TypeEchoReply
	case layers.ICMPv6TypeDestinationUnreachable:
		return layers.ICMPv4TypeDestinationUnreachable
	case layers.ICMPv6TypeTimeExceeded:
		return layers.ICMPv4TypeTimeExceeded
	case layers.ICMPv6TypeRedirect:
		return layers.ICMPv4TypeRedirect
	}
	return 255
}
