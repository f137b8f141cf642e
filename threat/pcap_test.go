package threat

import (
	"bytes"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

var (
	hostA = net.IP{10, 0, 0, 1}
	hostB = net.IP{10, 0, 0, 2}
	hostC = net.IP{10, 0, 0, 3}
	t0    = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
)

// capture builds Ethernet frames and writes them with pcapgo.Writer.
type capture struct {
	t      testing.TB
	frames [][]byte
	times  []time.Time
}

func (c *capture) add(at time.Duration, ls ...gopacket.SerializableLayer) {
	c.t.Helper()
	buf := gopacket.NewSerializeBuffer()
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}}
	switch ls[0].(type) {
	case *layers.IPv6:
		eth.EthernetType = layers.EthernetTypeIPv6
	default:
		eth.EthernetType = layers.EthernetTypeIPv4
	}
	for _, l := range ls {
		if tl, ok := l.(interface {
			SetNetworkLayerForChecksum(gopacket.NetworkLayer) error
		}); ok {
			if ip, ok := ls[0].(gopacket.NetworkLayer); ok {
				tl.SetNetworkLayerForChecksum(ip)
			}
		}
	}
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, append([]gopacket.SerializableLayer{eth}, ls...)...); err != nil {
		c.t.Fatal(err)
	}
	c.frames = append(c.frames, append([]byte(nil), buf.Bytes()...))
	c.times = append(c.times, t0.Add(at))
}

// tcp adds a TCP segment; flags is a string of S, A, F, R, U, P.
func (c *capture) tcp(at time.Duration, src, dst net.IP, sport, dport uint16, flags string, payload int) {
	c.t.Helper()
	t := &layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(dport), Window: 1024,
		SYN: strings.Contains(flags, "S"), ACK: strings.Contains(flags, "A"), FIN: strings.Contains(flags, "F"),
		RST: strings.Contains(flags, "R"), URG: strings.Contains(flags, "U"), PSH: strings.Contains(flags, "P")}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: src, DstIP: dst}
	c.add(at, ip, t, gopacket.Payload(make([]byte, payload)))
}

func (c *capture) udp(at time.Duration, src, dst net.IP, sport, dport uint16, payload int) {
	c.t.Helper()
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: src, DstIP: dst}
	c.add(at, ip, &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}, gopacket.Payload(make([]byte, payload)))
}

func (c *capture) icmp(at time.Duration, src, dst net.IP, typ uint8, id, seq uint16, payload int) {
	c.t.Helper()
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolICMPv4, SrcIP: src, DstIP: dst}
	ic := &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(typ, 0), Id: id, Seq: seq}
	c.add(at, ip, ic, gopacket.Payload(make([]byte, payload)))
}

// fragment adds one IPv4 fragment holding raw (the transport header included
// in the first fragment), at byte offset off.
func (c *capture) fragment(at time.Duration, src, dst net.IP, proto layers.IPProtocol, id uint16, off int, more bool, raw []byte) {
	c.t.Helper()
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: proto, SrcIP: src, DstIP: dst, Id: id, FragOffset: uint16(off / 8)}
	if more {
		ip.Flags = layers.IPv4MoreFragments
	}
	c.add(at, ip, gopacket.Payload(raw))
}

func (c *capture) pcap() []byte {
	c.t.Helper()
	var b bytes.Buffer
	w := pcapgo.NewWriter(&b)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		c.t.Fatal(err)
	}
	for i, f := range c.frames {
		if err := w.WritePacket(gopacket.CaptureInfo{Timestamp: c.times[i], CaptureLength: len(f), Length: len(f)}, f); err != nil {
			c.t.Fatal(err)
		}
	}
	return b.Bytes()
}

func (c *capture) pcapng() []byte {
	c.t.Helper()
	var b bytes.Buffer
	w, err := pcapgo.NewNgWriter(&b, layers.LinkTypeEthernet)
	if err != nil {
		c.t.Fatal(err)
	}
	for i, f := range c.frames {
		if err := w.WritePacket(gopacket.CaptureInfo{Timestamp: c.times[i], CaptureLength: len(f), Length: len(f)}, f); err != nil {
			c.t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		c.t.Fatal(err)
	}
	return b.Bytes()
}

const ms = time.Millisecond

// handCapture holds one connection of each kind; see TestFlowsHandCapture.
func handCapture(t testing.TB) *capture {
	c := &capture{t: t}
	// 1. http, SF: handshake, 100 bytes up (one with URG), 300 down, FIN both ways; 3.5 s long.
	c.tcp(0, hostA, hostB, 40000, 80, "S", 0)
	c.tcp(10*ms, hostB, hostA, 80, 40000, "SA", 0)
	c.tcp(20*ms, hostA, hostB, 40000, 80, "A", 0)
	c.tcp(30*ms, hostA, hostB, 40000, 80, "PAU", 100)
	c.tcp(40*ms, hostB, hostA, 80, 40000, "PA", 300)
	c.tcp(3400*ms, hostA, hostB, 40000, 80, "FA", 0)
	c.tcp(3450*ms, hostB, hostA, 80, 40000, "FA", 0)
	c.tcp(3500*ms, hostA, hostB, 40000, 80, "A", 0)
	// 2. telnet, S0: an unanswered SYN.
	c.tcp(100*ms, hostA, hostB, 40001, 23, "S", 0)
	// 3. port 9999, REJ: SYN answered by RST.
	c.tcp(200*ms, hostA, hostB, 40002, 9999, "S", 0)
	c.tcp(210*ms, hostB, hostA, 9999, 40002, "RA", 0)
	// 4. ftp, RSTO: established, then reset by the originator.
	c.tcp(300*ms, hostA, hostB, 40003, 21, "S", 0)
	c.tcp(310*ms, hostB, hostA, 21, 40003, "SA", 0)
	c.tcp(320*ms, hostA, hostB, 40003, 21, "A", 0)
	c.tcp(330*ms, hostA, hostB, 40003, 21, "RA", 0)
	// 5. dns over udp to host C: 30 bytes up, 60 down.
	c.udp(400*ms, hostA, hostC, 5353, 53, 30)
	c.udp(410*ms, hostC, hostA, 53, 5353, 60)
	// 6. ping A -> B and its reply: one eco_i connection.
	c.icmp(500*ms, hostA, hostB, layers.ICMPv4TypeEchoRequest, 7, 1, 56)
	c.icmp(510*ms, hostB, hostA, layers.ICMPv4TypeEchoReply, 7, 1, 56)
	// 7. mid-stream http data from B: no SYN seen, OTH; originator is B (first sender).
	c.tcp(600*ms, hostB, hostA, 80, 40010, "PA", 50)
	// 8. land: same address and port both ends, S0.
	c.tcp(700*ms, hostA, hostA, 1234, 1234, "S", 0)
	// 9. teardrop-like UDP datagram to C port 7000: two overlapping fragments.
	udpHdr := []byte{0x1f, 0x40, 0x1b, 0x58, 0, 36, 0, 0} // 8000 -> 7000, length 36
	c.fragment(800*ms, hostA, hostC, layers.IPProtocolUDP, 99, 0, true, append(udpHdr, make([]byte, 16)...))
	c.fragment(810*ms, hostA, hostC, layers.IPProtocolUDP, 99, 16, false, make([]byte, 12))
	// 10. a second SYN on flow 2's ports after it was answered is the same
	// connection; a new SYN on flow 4's ports after the reset starts a new one.
	c.tcp(900*ms, hostA, hostB, 40003, 21, "S", 0)
	// 11. the capture starts after a SYN: a SYN-ACK first makes the receiver the originator.
	c.tcp(1000*ms, hostB, hostA, 22, 40020, "SA", 0)
	c.tcp(1010*ms, hostA, hostB, 40020, 22, "A", 10)
	return c
}

type wantFlow struct {
	proto, service, flag string
	src, dst             string
	srcBytes, dstBytes   int64
	srcPkts, dstPkts     int
	land                 bool
	wrongFrag, urgent    int
	duration             time.Duration
}

func checkFlows(t *testing.T, flows []Flow, want []wantFlow) {
	t.Helper()
	if len(flows) != len(want) {
		for _, f := range flows {
			t.Logf("%s %s %s %v -> %v", f.Proto, f.Service, f.Flag, f.Src, f.Dst)
		}
		t.Fatalf("%d flows, want %d", len(flows), len(want))
	}
	for i, w := range want {
		f := flows[i]
		got := wantFlow{f.Proto, f.Service, f.Flag, f.Src.String(), f.Dst.String(), f.SrcBytes, f.DstBytes,
			f.SrcPackets, f.DstPackets, f.Land, f.WrongFragment, f.Urgent, f.Duration()}
		if got != w {
			t.Errorf("flow %d:\n got %+v\nwant %+v", i, got, w)
		}
	}
}

var handWant = []wantFlow{
	{"tcp", "http", "SF", "10.0.0.1:40000", "10.0.0.2:80", 100, 300, 5, 3, false, 0, 1, 3500 * ms},
	{"tcp", "telnet", "S0", "10.0.0.1:40001", "10.0.0.2:23", 0, 0, 1, 0, false, 0, 0, 0},
	{"tcp", "other", "REJ", "10.0.0.1:40002", "10.0.0.2:9999", 0, 0, 1, 1, false, 0, 0, 10 * ms},
	{"tcp", "ftp", "RSTO", "10.0.0.1:40003", "10.0.0.2:21", 0, 0, 3, 1, false, 0, 0, 30 * ms},
	{"udp", "domain_u", "SF", "10.0.0.1:5353", "10.0.0.3:53", 30, 60, 1, 1, false, 0, 0, 10 * ms},
	{"icmp", "eco_i", "SF", "10.0.0.1:0", "10.0.0.2:0", 56, 56, 1, 1, false, 0, 0, 10 * ms},
	{"tcp", "other", "OTH", "10.0.0.2:80", "10.0.0.1:40010", 50, 0, 1, 0, false, 0, 0, 0},
	{"tcp", "other", "S0", "10.0.0.1:1234", "10.0.0.1:1234", 0, 0, 1, 0, true, 0, 0, 0},
	{"udp", "other", "SF", "10.0.0.1:8000", "10.0.0.3:7000", 28, 0, 2, 0, false, 1, 0, 10 * ms},
	{"tcp", "ftp", "S0", "10.0.0.1:40003", "10.0.0.2:21", 0, 0, 1, 0, false, 0, 0, 0},
	{"tcp", "ssh", "OTH", "10.0.0.1:40020", "10.0.0.2:22", 10, 0, 1, 1, false, 0, 0, 10 * ms},
}

func TestFlowsHandCapture(t *testing.T) {
	c := handCapture(t)
	for _, format := range []string{"pcap", "pcapng"} {
		t.Run(format, func(t *testing.T) {
			b := c.pcap()
			if format == "pcapng" {
				b = c.pcapng()
			}
			flows, err := DecodePcap(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			checkFlows(t, flows, handWant)
		})
	}
}

func TestFlowsWindowHand(t *testing.T) {
	flows, err := DecodePcap(bytes.NewReader(handCapture(t).pcap()))
	if err != nil {
		t.Fatal(err)
	}
	// Flow 3 (ftp RSTO to B at 0.30 s): in the last 2 s, the flows to B that
	// started before it are http (SF), telnet (S0), port 9999 (REJ) and itself.
	w := flows[3].Window
	if w.Count != 4 || w.SerrorRate != 0.25 || w.RerrorRate != 0.25 || w.SameSrvRate != 0.25 || w.DiffSrvRate != 0.75 {
		t.Errorf("ftp window %+v", w)
	}
	// Flow 9 (the second ftp connection at 0.9 s): two ftp connections (RSTO and S0) to B.
	w = flows[9].Window
	if w.SrvCount != 2 || w.SrvSerrorRate != 0.5 || w.SrvDiffHost != 0 || w.DstHostSameSrcPort != 1 {
		t.Errorf("second ftp window %+v", w)
	}
	// Flow 5 (ping to B): B has http, telnet, 9999, ftp and the ping by then.
	if w := flows[5].Window; w.Count != 5 || w.DstHostCount != 5 || w.DstHostSrvCount != 1 {
		t.Errorf("ping window %+v", w)
	}
	rec := flows[0].Record()
	if rec.Numeric["duration"] != 3 || rec.Numeric["src_bytes"] != 100 || rec.Numeric["urgent"] != 1 ||
		rec.Categorical["flag"] != "SF" || rec.Categorical["service"] != "http" || rec.Numeric["hot"] != 0 {
		t.Errorf("record %+v", rec)
	}
	tab, err := FlowTable(flows)
	if err != nil || tab.Len() != len(flows) {
		t.Fatalf("table: %v", err)
	}
}

// naiveWindows recomputes the traffic features straight from their
// definitions, one flow at a time.
func naiveWindows(flows []Flow) []WindowFeatures {
	out := make([]WindowFeatures, len(flows))
	frac := func(n, d int) float64 {
		if d == 0 {
			return 0
		}
		return float64(n) / float64(d)
	}
	serr := func(f Flow) bool { return f.Flag == "S0" || f.Flag == "S1" || f.Flag == "S2" || f.Flag == "S3" }
	for i, cur := range flows {
		var host, srv []Flow
		for _, o := range flows[:i+1] {
			if cur.Start.Sub(o.Start) > TimeWindow {
				continue
			}
			if o.Dst.Addr() == cur.Dst.Addr() {
				host = append(host, o)
			}
			if o.Service == cur.Service {
				srv = append(srv, o)
			}
		}
		count := func(fs []Flow, p func(Flow) bool) int {
			n := 0
			for _, f := range fs {
				if p(f) {
					n++
				}
			}
			return n
		}
		rej := func(f Flow) bool { return f.Flag == "REJ" }
		sameSrv := func(f Flow) bool { return f.Service == cur.Service }
		w := &out[i]
		w.Count, w.SrvCount = len(host), len(srv)
		w.SerrorRate, w.RerrorRate = frac(count(host, serr), len(host)), frac(count(host, rej), len(host))
		w.SrvSerrorRate, w.SrvRerrorRate = frac(count(srv, serr), len(srv)), frac(count(srv, rej), len(srv))
		w.SameSrvRate = frac(count(host, sameSrv), len(host))
		w.DiffSrvRate = frac(len(host)-count(host, sameSrv), len(host))
		w.SrvDiffHost = frac(count(srv, func(f Flow) bool { return f.Dst.Addr() != cur.Dst.Addr() }), len(srv))
		var hh, hs []Flow
		for _, o := range flows[max(0, i-HostWindow+1) : i+1] {
			if o.Dst.Addr() == cur.Dst.Addr() {
				hh = append(hh, o)
			}
			if o.Service == cur.Service {
				hs = append(hs, o)
			}
		}
		w.DstHostCount, w.DstHostSrvCount = len(hh), len(hs)
		w.DstHostSameSrvRate = frac(count(hh, sameSrv), len(hh))
		w.DstHostDiffSrvRate = frac(len(hh)-count(hh, sameSrv), len(hh))
		w.DstHostSameSrcPort = frac(count(hs, func(f Flow) bool { return f.Src.Port() == cur.Src.Port() }), len(hs))
		w.DstHostSrvDiffHost = frac(count(hs, func(f Flow) bool { return f.Dst.Addr() != cur.Dst.Addr() }), len(hs))
		w.DstHostSerrorRate, w.DstHostSrvSerrorRate = frac(count(hh, serr), len(hh)), frac(count(hs, serr), len(hs))
		w.DstHostRerrorRate, w.DstHostSrvRerrorRate = frac(count(hh, rej), len(hh)), frac(count(hs, rej), len(hs))
	}
	return out
}

func TestWindowsAgainstNaive(t *testing.T) {
	flags := []string{"SF", "S0", "REJ", "S1", "RSTO", "S3"}
	services := []string{"http", "ftp", "private", "smtp"}
	// Steps between starts: spread out, and in bursts (many connections at
	// one instant, and steps of exactly the window).
	steps := map[string]func(i int) time.Duration{
		"spread": func(i int) time.Duration { return time.Duration((i*7919)%900) * ms },
		"bursts": func(i int) time.Duration {
			switch {
			case i%10 != 0:
				return 0
			case i%30 == 0:
				return TimeWindow
			}
			return time.Duration((i*7919)%900) * ms
		},
	}
	for _, n := range []int{1, 5, 150, 400} {
		for name, step := range steps {
			flows := make([]Flow, n)
			at := t0
			for i := range flows {
				at = at.Add(step(i))
				flows[i] = Flow{
					Start:   at,
					Src:     netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 0, byte(i % 3)}), uint16(1000+i%4)),
					Dst:     netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, 1, byte(i * 31 % 5)}), 80),
					Service: services[i*13%len(services)],
					Flag:    flags[i*17%len(flags)],
				}
			}
			want := naiveWindows(flows)
			computeWindows(flows)
			for i := range flows {
				if flows[i].Window != want[i] {
					t.Fatalf("%s, n=%d flow %d:\n got %+v\nwant %+v", name, n, i, flows[i].Window, want[i])
				}
			}
		}
	}
}

func gopacketDir(t *testing.T) string {
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Skipf("go env GOMODCACHE: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "github.com", "google", "gopacket@v1.1.19")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("gopacket sources not in the module cache: %v", err)
	}
	return dir
}

// TestShippedCaptures reads the captures that gopacket ships (pcap and the
// pcapng test suite, both byte orders): none may fail to parse except those
// the suite marks as malformed, and the DNS capture holds DNS flows.
func TestShippedCaptures(t *testing.T) {
	dir := gopacketDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "pcap", "test_*.pcap"))
	ng, _ := filepath.Glob(filepath.Join(dir, "pcapgo", "tests", "*", "*.pcapng"))
	if len(files) == 0 {
		t.Skip("no test captures in the gopacket module")
	}
	for _, f := range append(files, ng...) {
		t.Run(filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), func(t *testing.T) {
			flows, err := ReadPcap(f)
			if err != nil {
				t.Logf("error (allowed for the pcapng suite's odd files): %v", err)
				if strings.HasSuffix(f, ".pcap") {
					t.Fatal(err)
				}
				return
			}
			for _, fl := range flows {
				if fl.Proto == "" || fl.Service == "" || fl.Flag == "" || fl.End.Before(fl.Start) {
					t.Errorf("incomplete flow %+v", fl)
				}
			}
			if strings.HasSuffix(f, "test_dns.pcap") {
				dns := 0
				for _, fl := range flows {
					if fl.Service == "domain_u" && fl.Proto == "udp" {
						dns++
					}
				}
				if dns == 0 {
					t.Errorf("no DNS flow among %d", len(flows))
				}
			}
		})
	}
}

// TestDpktCaptures reads Debian python3-dpkt's example captures when
// installed, and the copy of http.pcap in testdata.
func TestDpktCaptures(t *testing.T) {
	paths := []string{filepath.Join("testdata", "http.pcap")}
	more, _ := filepath.Glob("/usr/share/doc/python3-dpkt/examples/data/*.pcap")
	paths = append(paths, more...)
	for _, p := range paths {
		t.Run(filepath.Base(filepath.Dir(p))+"/"+filepath.Base(p), func(t *testing.T) {
			if _, err := os.Stat(p); err != nil {
				t.Skip(err)
			}
			flows, err := ReadPcap(p)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasSuffix(p, "/http.pcap") {
				var http *Flow
				for i := range flows {
					if flows[i].Service == "http" {
						http = &flows[i]
					}
				}
				if http == nil {
					t.Fatalf("no http flow among %d", len(flows))
				}
				if http.SrcBytes == 0 || http.DstBytes <= http.SrcBytes || http.Proto != "tcp" {
					t.Errorf("http flow %+v: want a request smaller than its response", *http)
				}
			}
		})
	}
}

func TestDecodePcapErrors(t *testing.T) {
	good := handCapture(t).pcap()
	for _, c := range []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"bad magic", []byte("not a capture at all, really")},
		{"huge caplen", func() []byte {
			b := append([]byte(nil), good[:24+16]...)
			b[24+8], b[24+9], b[24+10], b[24+11] = 0xff, 0xff, 0xff, 0x7f
			return b
		}()},
	} {
		if _, err := DecodePcap(bytes.NewReader(c.b)); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	// A capture cut in the middle of a packet keeps the packets before, and
	// the report says so; a whole capture's does not.
	flows, rep, err := DecodePcapReport(bytes.NewReader(good[:len(good)-5]))
	if err != nil || len(flows) == 0 || !rep.CutShort {
		t.Errorf("truncated capture: %d flows, report %+v, %v", len(flows), rep, err)
	}
	_, whole, err := DecodePcapReport(bytes.NewReader(good))
	if err != nil || whole.CutShort || whole.Packets != rep.Packets+1 {
		t.Errorf("whole capture: report %+v (cut: %+v), %v; want one more packet, not cut short", whole, rep, err)
	}
}

func FuzzDecodePcap(f *testing.F) {
	c := handCapture(f)
	f.Add(c.pcap())
	f.Add(c.pcapng())
	f.Add(contentCapture(f).pcap())
	if b, err := os.ReadFile(filepath.Join("testdata", "http.pcap")); err == nil {
		f.Add(b[:min(len(b), 2000)])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		flows, err := DecodePcap(bytes.NewReader(b))
		if err != nil {
			return
		}
		for _, fl := range flows {
			if fl.SrcBytes < 0 || fl.DstBytes < 0 || fl.Window.Count < 1 || fl.Window.SerrorRate > 1 {
				t.Fatalf("bad flow %+v", fl)
			}
			fl.Record()
		}
	})
}

func TestReadTableSpecs(t *testing.T) {
	tab, err := ReadTable("pcap:" + filepath.Join("testdata", "http.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	if tab.Len() != 3 || len(tab.NumericNames) != 38 {
		t.Errorf("http.pcap: %d rows, %d numeric columns; want 3 flows and 38", tab.Len(), len(tab.NumericNames))
	}
	if _, err := ReadTable("mnist"); err == nil {
		t.Error("mnist accepted as connection records")
	}
}
