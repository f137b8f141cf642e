package threat

import (
	"bytes"
	"net/netip"
	"slices"
	"time"
)

// protocol is a flow's transport protocol, named as NSL-KDD's protocol_type.
type protocol uint8

const (
	protoTCP protocol = iota + 1
	protoUDP
	protoICMP
)

func (p protocol) String() string {
	switch p {
	case protoTCP:
		return "tcp"
	case protoUDP:
		return "udp"
	case protoICMP:
		return "icmp"
	}
	return "other"
}

// flowKey identifies a bidirectional flow: the endpoints in canonical order
// (a <= b), so both directions of a connection share a key. extra separates
// ICMP exchanges (echo id and sequence, or type and code).
type flowKey struct {
	proto        protocol
	a, b         [16]byte
	aPort, bPort uint16
	v4           bool
	extra        uint64
}

// newFlowKey returns the canonical key of a packet from src:sport to
// dst:dport, and whether the packet goes from key.a to key.b.
func newFlowKey(proto protocol, src, dst []byte, sport, dport uint16, extra uint64) (flowKey, bool) {
	k := flowKey{proto: proto, v4: len(src) == 4, extra: extra}
	var s, d [16]byte
	copy(s[:], src)
	copy(d[:], dst)
	c := bytes.Compare(src, dst)
	if c < 0 || c == 0 && sport <= dport {
		k.a, k.b, k.aPort, k.bPort = s, d, sport, dport
		return k, true
	}
	k.a, k.b, k.aPort, k.bPort = d, s, dport, sport
	return k, false
}

func (k flowKey) addr(a [16]byte) netip.Addr {
	if k.v4 {
		return netip.AddrFrom4([4]byte(a[:4]))
	}
	return netip.AddrFrom16(a)
}

// fragKey identifies the fragments of one IPv4 datagram (RFC 791).
type fragKey struct {
	src, dst [4]byte
	id       uint16
	proto    uint8
}

// Flow is one connection reconstructed from packets, with the NSL-KDD
// features that packets determine. The originator (Src) is the sender of the
// first packet seen, or the receiver when that packet is a SYN-ACK.
type Flow struct {
	Proto      string         // protocol_type: tcp, udp, icmp
	Src, Dst   netip.AddrPort // originator and responder (port 0 for ICMP)
	Start, End time.Time
	Service    string // service: by the responder's port, or the ICMP type (eco_i, ecr_i, ...)
	Flag       string // flag: connection state, SF, S0, REJ, RSTO, RSTR, RSTOS0, SH, S1, S2, S3, OTH
	SrcBytes   int64  // src_bytes: application bytes from the originator
	DstBytes   int64  // dst_bytes: application bytes from the responder
	SrcPackets int
	DstPackets int
	Land       bool // land: same address and port at both ends
	// WrongFragment counts fragments that overlap an earlier one, end beyond
	// 65535 bytes, or (not being last) hold a length that is not a multiple of 8.
	WrongFragment int
	Urgent        int // urgent: TCP segments with URG set
	Content       Content
	Window        WindowFeatures

	// ftpPorts are, for an FTP control connection, the data ports its server
	// and its client announced (see ftpDataPorts).
	ftpPorts [2][]uint16
}

// Duration is End - Start.
func (f *Flow) Duration() time.Duration { return f.End.Sub(f.Start) }

// FlowSummary names a connection of a capture as `contrast embed` and POST
// /v1/score/capture report it.
type FlowSummary struct {
	Proto      string    `json:"proto"`
	Src        string    `json:"src"` // originator ADDR:PORT (port 0 for ICMP)
	Dst        string    `json:"dst"` // responder
	Start      time.Time `json:"start"`
	DurationS  float64   `json:"duration_s"`
	Service    string    `json:"service"`
	Flag       string    `json:"flag"`
	SrcBytes   int64     `json:"src_bytes"`
	DstBytes   int64     `json:"dst_bytes"`
	SrcPackets int       `json:"src_packets"`
	DstPackets int       `json:"dst_packets"`
	// The login features read from the payload (see Content).
	LoggedIn     bool `json:"logged_in"`
	FailedLogins int  `json:"num_failed_logins,omitempty"`
}

// Summary returns f's FlowSummary.
func (f *Flow) Summary() FlowSummary {
	return FlowSummary{Proto: f.Proto, Src: f.Src.String(), Dst: f.Dst.String(), Start: f.Start.UTC(),
		DurationS: f.Duration().Seconds(), Service: f.Service, Flag: f.Flag, SrcBytes: f.SrcBytes, DstBytes: f.DstBytes,
		SrcPackets: f.SrcPackets, DstPackets: f.DstPackets, LoggedIn: f.Content.LoggedIn, FailedLogins: f.Content.FailedLogins}
}

// flowState is a flow being assembled.
type flowState struct {
	Flow
	key    flowKey
	origA  bool // the originator is key.a
	icmpT  uint8
	icmpC  uint8
	state  tcpState
	closed bool // FIN both ways or a RST: a new SYN starts a new connection
	// origData and respData are the payload each way, kept for the
	// connections to inspectedPorts (see inspectContent).
	origData, respData stream
}

// tcpState records the handshake and teardown seen in each direction.
type tcpState struct {
	origSYN, respSYNACK bool
	origFIN, respFIN    bool
	firstRST            int // 0 none, 1 originator, 2 responder
}

// flag returns the connection state in the names of Bro (Zeek), which
// produced the KDD flags: SF normal establishment and termination; S0 SYN
// without reply; REJ SYN answered by RST; RSTOS0 originator SYN then RST, no
// SYN-ACK; SH originator SYN then FIN, no SYN-ACK; RSTO and RSTR established
// then reset by the originator or responder; S1 established, not closed; S2
// and S3 established, closed by the originator or responder only; OTH no SYN
// seen (the capture started mid-connection). UDP and ICMP flows are SF.
func (s *flowState) flag() string {
	if s.key.proto != protoTCP {
		return "SF"
	}
	t := s.state
	switch {
	case !t.origSYN:
		return "OTH"
	case !t.respSYNACK:
		switch {
		case t.firstRST == 2:
			return "REJ"
		case t.firstRST == 1:
			return "RSTOS0"
		case t.origFIN:
			return "SH"
		}
		return "S0"
	case t.firstRST == 1:
		return "RSTO"
	case t.firstRST == 2:
		return "RSTR"
	case t.origFIN && t.respFIN:
		return "SF"
	case t.origFIN:
		return "S2"
	case t.respFIN:
		return "S3"
	}
	return "S1"
}

// Idle timeouts after which a packet starts a new connection (Zeek's
// defaults for TCP inactivity and UDP/ICMP).
const (
	tcpIdle   = 5 * time.Minute
	otherIdle = time.Minute
)

// assembler groups packets into flows.
type assembler struct {
	packets int
	open    map[flowKey]*flowState
	frags   map[fragKey]*fragState
	all     []*flowState
}

// fragState tracks one fragmented datagram.
type fragState struct {
	flow   *flowState // nil until the first fragment is seen
	fwd    bool
	ranges [][2]int
}

func (a *assembler) add(p packet) {
	if a.open == nil {
		a.open, a.frags = map[flowKey]*flowState{}, map[fragKey]*fragState{}
	}
	var fs *fragState
	wrong := false
	if p.frag {
		fs = a.frags[p.fragKey]
		if fs == nil {
			fs = &fragState{}
			a.frags[p.fragKey] = fs
		}
		end := p.fragOff + p.fragLen
		wrong = end > 65535 || p.fragMore && p.fragLen%8 != 0
		for _, r := range fs.ranges {
			if p.fragOff < r[1] && r[0] < end {
				wrong = true
			}
		}
		fs.ranges = append(fs.ranges, [2]int{p.fragOff, end})
		if !p.first {
			if fs.flow == nil {
				return // the first fragment was not captured: no ports, no flow
			}
			fl := fs.flow
			fl.account(p.ts, fs.fwd == fl.origA, p.payload)
			if wrong {
				fl.WrongFragment++
			}
			return
		}
	}
	s := a.open[p.key]
	if s != nil && a.expired(s, p) {
		s = nil
	}
	if s == nil {
		s = a.start(p)
	}
	if fs != nil {
		fs.flow, fs.fwd = s, p.fwd
	}
	orig := p.fwd == s.origA
	s.account(p.ts, orig, p.payload)
	if wrong {
		s.WrongFragment++
	}
	if p.urg {
		s.Urgent++
	}
	if p.proto == protoTCP {
		s.tcp(p, orig)
		if p.data != nil || p.syn {
			st := &s.respData
			if orig {
				st = &s.origData
			}
			st.add(p.seq, p.syn, p.data)
		}
	}
}

// expired reports whether packet p starts a new connection rather than
// continuing s.
func (a *assembler) expired(s *flowState, p packet) bool {
	idle := otherIdle
	if s.key.proto == protoTCP {
		idle = tcpIdle
		if s.closed && p.syn && !p.ack {
			return true
		}
	}
	return p.ts.Sub(s.End) > idle
}

func (a *assembler) start(p packet) *flowState {
	s := &flowState{key: p.key, origA: p.fwd, icmpT: p.icmpType, icmpC: p.icmpCode}
	if p.proto == protoTCP && p.syn && p.ack {
		s.origA = !p.fwd // a SYN-ACK comes from the responder
	}
	s.Start, s.End = p.ts, p.ts
	a.open[p.key] = s
	a.all = append(a.all, s)
	return s
}

func (s *flowState) account(ts time.Time, orig bool, payload int) {
	if ts.Before(s.Start) {
		s.Start = ts
	}
	if ts.After(s.End) {
		s.End = ts
	}
	if orig {
		s.SrcPackets++
		s.SrcBytes += int64(payload)
	} else {
		s.DstPackets++
		s.DstBytes += int64(payload)
	}
}

func (s *flowState) tcp(p packet, orig bool) {
	t := &s.state
	switch {
	case p.syn && !p.ack && orig:
		t.origSYN = true
	case p.syn && p.ack && !orig:
		t.respSYNACK = true
	}
	if p.fin {
		if orig {
			t.origFIN = true
		} else {
			t.respFIN = true
		}
	}
	if p.rst && t.firstRST == 0 {
		t.firstRST = 2
		if orig {
			t.firstRST = 1
		}
	}
	if p.rst || t.origFIN && t.respFIN {
		s.closed = true
	}
}

// flows finishes every flow: endpoints, service, flag, land, and the window
// features; flows are returned in order of their first packet.
func (a *assembler) flows() []Flow {
	out := make([]Flow, len(a.all))
	for i, s := range a.all {
		f := s.Flow
		k := s.key
		src, dst := netip.AddrPortFrom(k.addr(k.a), k.aPort), netip.AddrPortFrom(k.addr(k.b), k.bPort)
		if !s.origA {
			src, dst = dst, src
		}
		if k.proto == protoICMP {
			src, dst = netip.AddrPortFrom(src.Addr(), 0), netip.AddrPortFrom(dst.Addr(), 0)
		}
		f.Proto, f.Src, f.Dst = k.proto.String(), src, dst
		f.Service = service(k.proto, dst.Port(), s.icmpT, s.icmpC)
		f.Flag = s.flag()
		f.Land = k.a == k.b && k.aPort == k.bPort
		f.Content = inspectContent(&f, s.origData.buf, s.respData.buf)
		if f.Service == "ftp" {
			f.ftpPorts[0], f.ftpPorts[1] = ftpDataPorts(s.origData.buf, s.respData.buf)
		}
		out[i] = f
	}
	slices.SortStableFunc(out, func(x, y Flow) int { return x.Start.Compare(y.Start) })
	ftpDataServices(out)
	inheritFTPLogins(out)
	computeWindows(out)
	return out
}

// inheritFTPLogins marks an ftp_data connection logged in when an FTP
// control connection between the same two hosts was open at its start and
// logged in.
func inheritFTPLogins(flows []Flow) {
	control := spans[hostPair]{}
	for i := range flows {
		if f := &flows[i]; f.Service == "ftp" && f.Content.LoggedIn {
			control.add(pairOf(f), f)
		}
	}
	control.index()
	for i := range flows {
		if f := &flows[i]; f.Service == "ftp_data" && control.open(pairOf(f), f.Start) {
			f.Content.LoggedIn = true
		}
	}
}
