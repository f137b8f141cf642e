package threat

import (
	"bytes"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

func TestStreamAdd(t *testing.T) {
	type seg struct {
		seq  uint32
		syn  bool
		data string
	}
	var top uint32 = 1<<32 - 3 // the sequence numbers wrap inside the stream
	cases := []struct {
		name string
		segs []seg
		want string
		gap  bool
	}{
		{"in order", []seg{{100, true, ""}, {101, false, "USER a\r\n"}, {109, false, "PASS b\r\n"}}, "USER a\r\nPASS b\r\n", false},
		{"retransmitted", []seg{{100, true, ""}, {101, false, "abc"}, {101, false, "abc"}, {104, false, "de"}}, "abcde", false},
		{"overlapping", []seg{{100, true, ""}, {101, false, "abc"}, {102, false, "bcdef"}}, "abcdef", false},
		{"reordered", []seg{{100, true, ""}, {104, false, "de"}, {101, false, "abc"}, {106, false, "f"}}, "abcdef", false},
		{"a hole never filled", []seg{{100, true, ""}, {101, false, "abc"}, {110, false, "xyz"}, {104, false, "de"}}, "abcde", false},
		{"a hole past maxPending", []seg{{100, true, ""}, {101, false, "abc"}, {110, false, strings.Repeat("x", maxPending+1)}, {104, false, "de"}}, "abc", true},
		{"old short retransmission", []seg{{100, true, ""}, {101, false, "abcdef"}, {101, false, "ab"}}, "abcdef", false},
		{"a new SYN before data", []seg{{100, true, ""}, {5000, true, ""}, {5001, false, "ab"}}, "ab", false},
		{"data on the SYN", []seg{{100, true, "hi"}, {103, false, "!"}}, "hi!", false},
		{"an early segment captured twice", []seg{{100, true, ""}, {200, false, strings.Repeat("y", 9000)}, {200, false, strings.Repeat("y", 9000)},
			{101, false, strings.Repeat("x", 99)}}, strings.Repeat("x", 99) + strings.Repeat("y", 9000), false},
		{"no SYN seen", []seg{{5000, false, "mid"}, {5003, false, "way"}}, "midway", false},
		{"wrapping", []seg{{top, true, ""}, {top + 1, false, "abcd"}, {top + 5, false, "ef"}}, "abcdef", false},
	}
	for _, c := range cases {
		var s stream
		for _, g := range c.segs {
			s.add(g.seq, g.syn, []byte(g.data))
		}
		if string(s.buf) != c.want || s.gap != c.gap {
			t.Errorf("%s: got %q (gap %v), want %q (gap %v)", c.name, s.buf, s.gap, c.want, c.gap)
		}
	}
	var s stream
	s.add(0, true, nil)
	big := bytes.Repeat([]byte("x"), maxInspect-10)
	s.add(1, false, big)
	s.add(uint32(1+len(big)), false, bytes.Repeat([]byte("y"), 100))
	if len(s.buf) != maxInspect || s.buf[len(s.buf)-1] != 'y' || s.next != uint32(1+len(big)+100) {
		t.Errorf("past maxInspect: kept %d bytes, next %d", len(s.buf), s.next)
	}
}

func TestContentParsers(t *testing.T) {
	crlf := func(ls ...string) []byte { return []byte(strings.Join(ls, "\r\n") + "\r\n") }
	cases := []struct {
		name       string
		service    string
		orig, resp []byte
		want       Content
	}{
		{"ftp: a failed then an anonymous login, uploads", "ftp",
			crlf("USER anonymous", "PASS a@b", "USER anonymous", "PASS c@d", "CWD pub", "STOR x.tar", "MKD new", "APPE log", "RETR y", "QUIT"),
			crlf("220 ready", "331 guest ok", "530 Login incorrect.", "331 guest ok", "230 Login successful.", "250 ok", "150 ok", "226 done", "257 created", "150 ok", "226 done", "150 ok", "226 done", "221 bye"),
			Content{LoggedIn: true, FailedLogins: 1, GuestLogin: true, FileCreations: 3}},
		{"ftp: 530 before any PASS is not a failed login", "ftp",
			crlf("LIST", "USER bob", "PASS x", "QUIT"),
			crlf("220 ready", "530 Please login with USER and PASS.", "331 password", "530 Login incorrect.", "221 bye"),
			Content{FailedLogins: 1}},
		{"ftp: a user, not a guest", "ftp", crlf("USER bob", "PASS x"), crlf("220 ready", "331 password", "230 ok"),
			Content{LoggedIn: true}},
		{"ftp: 530 to a command before the login, then in", "ftp",
			crlf("LIST", "USER bob", "PASS x"), crlf("220 ready", "530 Please login with USER and PASS.", "331 password", "230 ok"),
			Content{LoggedIn: true}},
		{"ftp: a second USER refused after a guest login", "ftp",
			crlf("USER anonymous", "PASS a@b", "USER bob"), crlf("220 ready", "331 ok", "230 ok", "530 Can't change from guest user."),
			Content{LoggedIn: true, GuestLogin: true}},
		{"ftp: a multi-line welcome", "ftp",
			crlf("USER ftp", "PASS x", "STOR a"), crlf("220-Hello", "220 ready", "331 ok", "230-Welcome", "230-Be nice", "230 Login successful.", "553 Could not create file."),
			Content{LoggedIn: true, GuestLogin: true}},
		{"ftp: an anonymous login refused is no guest login", "ftp",
			crlf("USER anonymous", "PASS x"), crlf("220 ready", "331 ok", "530 Login incorrect."),
			Content{FailedLogins: 1}},
		{"pop3: CAPA and a multi-line answer first, then in", "pop_3",
			crlf("CAPA", "USER bob", "PASS a", "LIST", "STAT"),
			crlf("+OK ready", "+OK Capability list follows", "USER", "SASL PLAIN", ".", "+OK", "+OK in", "+OK 1 messages", "1 120", ".", "+OK 1 120"),
			Content{LoggedIn: true}},
		{"pop3: AUTH PLAIN with a continuation, refused", "pop_3",
			crlf("AUTH PLAIN", "AGJvYgB4", "QUIT"), crlf("+OK ready", "+ ", "-ERR authentication failed", "+OK bye"),
			Content{FailedLogins: 1}},
		{"pop3: STLS ends what can be read", "pop_3",
			crlf("STLS", "\x16\x03\x01"), crlf("+OK Begin TLS", "-ERR garbage"),
			Content{}},
		{"imap: a reused tag answers its oldest command", "imap4",
			crlf("a LOGIN bob x", "a SELECT inbox"), crlf("* OK ready", "a NO bad", "a OK selected"),
			Content{FailedLogins: 1}},
		{"imap: AUTHENTICATE", "imap4",
			crlf("t1 AUTHENTICATE PLAIN", "AGJvYgB4"), crlf("* OK ready", "+ ", "t1 OK done"),
			Content{LoggedIn: true}},
		{"imap: PREAUTH", "imap4", crlf("t1 SELECT inbox"), crlf("* PREAUTH ready", "t1 OK"), Content{LoggedIn: true}},
		{"pop3: two failures, then in", "pop_3",
			crlf("USER bob", "PASS a", "USER bob", "PASS b", "USER bob", "PASS c", "STAT", "QUIT"),
			crlf("+OK ready", "+OK", "-ERR bad", "+OK", "-ERR bad", "+OK", "+OK in", "+OK 2 320", "+OK bye"),
			Content{LoggedIn: true, FailedLogins: 2}},
		{"imap: NO then OK", "imap4",
			crlf("a1 LOGIN bob x", "a2 login bob y", "a3 SELECT inbox"),
			crlf("* OK ready", "a1 NO [AUTHENTICATIONFAILED] bad", "a2 OK done", "* 3 EXISTS", "a3 OK selected"),
			Content{LoggedIn: true, FailedLogins: 1}},
		{"telnet: failed twice, gave up", "telnet",
			[]byte("bob\r\x00x\r\x00bob\r\x00y\r\x00"),
			[]byte("\xff\xfd\x18login: Password: \r\nLogin incorrect\r\nlogin: Password: \r\nLogin incorrect\r\nlogin: "),
			Content{FailedLogins: 2}},
		{"telnet: failed, then in, su", "telnet",
			[]byte("\xff\xfb\x18bob\r\x00x\r\x00bob\r\x00y\r\x00ls\r\x00\xff\xfb\x01su -\r\x00"),
			[]byte("login: Password: \r\nLogin incorrect\r\nlogin: Password: \r\nLast login: Mon Jan 1 on tty1\r\n$ ls\r\nnotes.txt  src  bin\r\n$ su -\r\nPassword: "),
			Content{LoggedIn: true, FailedLogins: 1, SuAttempted: true}},
		{"telnet: left at the prompt", "telnet", []byte("\xff\xfb\x18"), []byte("\xff\xfd\x18Debian GNU/Linux 12\r\nlogin: "), Content{}},
		{"telnet: a name typed, no password", "telnet", []byte("bob\r\x00"),
			[]byte("login: Password: " + strings.Repeat("x", 80)), Content{}},
		{"telnet: su by path, after sudo, and typed with a correction", "telnet",
			[]byte("bob\r\x00pw\r\x00sx\x7fu\r\x00"), []byte("login: Password: \r\n$ su\r\nPassword: "), Content{LoggedIn: true, SuAttempted: true}},
		{"telnet: sudo /bin/su", "telnet", []byte("bob\r\npw\r\nsudo /bin/su -\r\n"), []byte("login: Password: \r\n$ "), Content{LoggedIn: true, SuAttempted: true}},
		{"telnet: su as an argument does not count", "telnet", []byte("bob\r\npw\r\nman su\r\n"), []byte("login: Password: \r\n$ "), Content{LoggedIn: true}},
		{"rlogin: trusted, no password", "login", []byte("\x00bob\x00bob\x00xterm/38400\x00su\n"), []byte("\x00Last login: today\r\n$ su\r\nPassword: "),
			Content{LoggedIn: true, SuAttempted: true}},
		{"rlogin: refused", "login", []byte("\x00bob\x00bob\x00xterm/38400\x00"), []byte("\x01rlogind: Permission denied.\r\n"), Content{}},
		{"telnet: sudo with options", "telnet", []byte("bob\r\npw\r\nsudo -u root su\r\nsudo -i\r\n"), []byte("login: Password: \r\n$ "), Content{LoggedIn: true, SuAttempted: true}},
		{"telnet: sudo with an option cluster", "telnet", []byte("bob\r\npw\r\nsudo -iu root su -\r\n"), []byte("login: Password: \r\n$ "), Content{LoggedIn: true, SuAttempted: true}},
		{"telnet: sudo with a long option", "telnet", []byte("bob\r\npw\r\nsudo --user root /bin/su\r\n"), []byte("login: Password: \r\n$ "), Content{LoggedIn: true, SuAttempted: true}},
		{"telnet: sudo running something else", "telnet", []byte("bob\r\npw\r\nsudo -u su ls\r\n"), []byte("login: Password: \r\n$ "), Content{LoggedIn: true}},
		{"pop3: AUTH alone lists the mechanisms", "pop_3", crlf("AUTH", "QUIT"), crlf("+OK ready", "+OK", "PLAIN", ".", "+OK bye"), Content{}},
		{"imap: PREAUTH later is not the greeting", "imap4", crlf("t1 NOOP"), crlf("* OK ready", "* PREAUTH odd", "t1 OK"), Content{}},
		{"rlogin: asked for a password, none typed", "login", []byte("\x00bob\x00bob\x00xterm/38400\x00"), []byte("\x00Password: "), Content{}},
		{"http: established with a reply", "http", crlf("GET / HTTP/1.1"), crlf("HTTP/1.1 200 OK"), Content{LoggedIn: true}},
		{"finger: never logged in", "finger", crlf("bob"), crlf("Login: bob"), Content{}},
	}
	for _, c := range cases {
		f := &Flow{Service: c.service, Flag: "SF", SrcBytes: int64(len(c.orig)), DstBytes: int64(len(c.resp))}
		if got := inspectContent(f, c.orig, c.resp); got != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
		}
	}
	for _, flag := range []string{"S0", "REJ", "OTH"} {
		f := &Flow{Service: "http", Flag: flag, SrcBytes: 10}
		if got := inspectContent(f, nil, nil); got.LoggedIn {
			t.Errorf("http %s without responder bytes: logged in", flag)
		}
	}
	// A telnet exchange on a connection never established is not read.
	f := &Flow{Service: "telnet", Flag: "S0", SrcBytes: 10, DstBytes: 100}
	if got := inspectContent(f, []byte("bob\r\npw\r\nsu\r\n"), []byte(strings.Repeat("$ ", 50))); got != (Content{}) {
		t.Errorf("telnet S0: %+v, want nothing", got)
	}
}

// session writes one TCP connection, with sequence numbers, into a capture.
type session struct {
	c          *capture
	cli, srv   net.IP
	cport, prt uint16
	cseq, sseq uint32
	at         time.Duration
}

func (s *session) segment(fromClient bool, flags string, payload []byte) {
	s.c.t.Helper()
	t := &layers.TCP{Window: 1024, SYN: strings.Contains(flags, "S"), ACK: strings.Contains(flags, "A"),
		FIN: strings.Contains(flags, "F"), PSH: len(payload) > 0}
	src, dst := s.cli, s.srv
	t.SrcPort, t.DstPort, t.Seq, t.Ack = layers.TCPPort(s.cport), layers.TCPPort(s.prt), s.cseq, s.sseq
	if !fromClient {
		src, dst = s.srv, s.cli
		t.SrcPort, t.DstPort, t.Seq, t.Ack = layers.TCPPort(s.prt), layers.TCPPort(s.cport), s.sseq, s.cseq
	}
	s.at += ms
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: src, DstIP: dst}
	s.c.add(s.at, ip, t, gopacket.Payload(payload))
}

// send writes text from the client or the server and advances that side's
// sequence number.
func (s *session) send(fromClient bool, text string) {
	s.c.t.Helper()
	s.segment(fromClient, "A", []byte(text))
	if fromClient {
		s.cseq += uint32(len(text))
	} else {
		s.sseq += uint32(len(text))
	}
}

func (s *session) open() {
	s.c.t.Helper()
	s.segment(true, "S", nil)
	s.cseq++
	s.segment(false, "SA", nil)
	s.sseq++
	s.segment(true, "A", nil)
}

func (s *session) close() {
	s.c.t.Helper()
	s.segment(true, "FA", nil)
	s.cseq++
	s.segment(false, "FA", nil)
	s.sseq++
}

// contentCapture holds an FTP session (a retransmitted segment included)
// with a data connection inside it, a telnet session, and an FTP session cut
// by a lost segment; see TestContentCapture.
func contentCapture(t testing.TB) *capture {
	c := &capture{t: t}
	ftp := &session{c: c, cli: hostA, srv: hostB, cport: 41000, prt: 21, cseq: 1 << 31, sseq: 7}
	ftp.open()
	ftp.send(false, "220 ready\r\n")
	ftp.send(true, "USER ftp\r\n")
	ftp.send(false, "331 ok\r\n")
	ftp.send(true, "PASS x\r\n")
	ftp.send(false, "530 Login incorrect.\r\n")
	ftp.send(true, "USER ftp\r\nPASS y\r\n")
	ftp.send(false, "331 ok\r\n230 in\r\n")
	// A passive-mode download: the server announces 10.0.0.2:50123 (a NAT
	// may put another address in the reply; the port is what counts).
	ftp.send(true, "PASV\r\n")
	ftp.send(false, "227 Entering Passive Mode (192,168,1,2,195,203).\r\n")
	ftp.send(true, "RETR a.txt\r\n")
	ftp.send(false, "150 Opening BINARY mode data connection.\r\n")
	data := &session{c: c, cli: hostA, srv: hostB, cport: 41001, prt: 50123, cseq: 100, sseq: 200, at: ftp.at}
	data.open()
	data.send(false, "file contents")
	data.close()
	// An active-mode upload: the client announces port 41002 (160*256+42),
	// the server connects to it (from a port other than 20).
	ftp.at = data.at
	ftp.send(false, "226 Transfer complete.\r\n")
	ftp.send(true, "PORT 10,0,0,1,160,42\r\n")
	ftp.send(false, "200 ok\r\n")
	active := &session{c: c, cli: hostB, srv: hostA, cport: 2020, prt: 41002, cseq: 300, sseq: 400, at: ftp.at}
	active.open()
	active.send(true, "uploaded")
	active.close()
	// A connection to a port nobody announced stays "other"; one from port
	// 20 is ftp_data whatever was announced.
	stray := &session{c: c, cli: hostA, srv: hostB, cport: 41003, prt: 50999, cseq: 1, sseq: 1, at: active.at}
	stray.open()
	stray.close()
	from20 := &session{c: c, cli: hostB, srv: hostA, cport: 20, prt: 41005, cseq: 1, sseq: 1, at: stray.at}
	from20.open()
	from20.close()
	ftp.at = from20.at
	seq := ftp.cseq
	ftp.send(true, "STOR up.txt\r\n")
	ftp.cseq, seq = seq, ftp.cseq
	ftp.segment(true, "A", []byte("STOR up.txt\r\n")) // the same bytes again: a retransmission
	ftp.cseq = seq
	ftp.send(false, "226 done\r\n")
	ftp.close()

	tel := &session{c: c, cli: hostC, srv: hostB, cport: 42000, prt: 23, cseq: 5, sseq: 9, at: ftp.at}
	tel.open()
	tel.send(false, "login: ")
	tel.send(true, "bob\r\x00")
	tel.send(false, "Password: ")
	tel.send(true, "typo\r\x00")
	tel.send(false, "\r\nLogin incorrect\r\nlogin: ")
	tel.send(true, "b")
	tel.send(true, "ob\r\x00")
	tel.send(false, "Password: ")
	tel.send(true, "pw\r\x00")
	tel.send(false, "\r\nLast login: yesterday\r\n$ ")
	tel.send(true, "s")
	tel.send(true, "u\r\x00")
	tel.send(false, "su\r\nPassword: \r\nsu: Authentication failure\r\n$ exit\r\n")
	tel.close()

	lost := &session{c: c, cli: hostC, srv: hostB, cport: 42001, prt: 21, cseq: 1, sseq: 1, at: tel.at}
	lost.open()
	lost.send(false, "220 ready\r\n")
	lost.sseq += 8 // "331 ok\r\n" was not captured
	lost.send(true, "USER bob\r\nPASS x\r\n")
	lost.send(false, "230 in\r\n")
	lost.close()

	// After the first FTP session closed: a connection to the port it
	// announced is not its data connection, and one from port 20 is
	// ftp_data but not logged in.
	late := &session{c: c, cli: hostA, srv: hostB, cport: 41010, prt: 50123, cseq: 1, sseq: 1, at: lost.at}
	late.open()
	late.close()
	late20 := &session{c: c, cli: hostB, srv: hostA, cport: 20, prt: 41011, cseq: 1, sseq: 1, at: late.at}
	late20.open()
	late20.close()
	return c
}

// TestContentCapture reads the content features from contentCapture.
func TestContentCapture(t *testing.T) {
	flows, err := DecodePcap(bytes.NewReader(contentCapture(t).pcap()))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		service string
		content Content
	}{
		{"ftp", Content{LoggedIn: true, FailedLogins: 1, GuestLogin: true, FileCreations: 1}},
		{"ftp_data", Content{LoggedIn: true}},
		{"ftp_data", Content{LoggedIn: true}},
		{"other", Content{}},
		{"ftp_data", Content{LoggedIn: true}},
		// su's failure is not a failed login.
		{"telnet", Content{LoggedIn: true, FailedLogins: 1, SuAttempted: true}},
		{"ftp", Content{}},
		{"other", Content{}},
		{"ftp_data", Content{}},
	}
	if len(flows) != len(want) {
		t.Fatalf("%d flows, want %d", len(flows), len(want))
	}
	for i, w := range want {
		if flows[i].Service != w.service || flows[i].Content != w.content {
			t.Errorf("flow %d: %s %+v, want %s %+v", i, flows[i].Service, flows[i].Content, w.service, w.content)
		}
	}
	r := flows[0].Record()
	for name, v := range map[string]float64{"logged_in": 1, "num_failed_logins": 1, "is_guest_login": 1, "num_file_creations": 1, "su_attempted": 0} {
		if r.Numeric[name] != v {
			t.Errorf("ftp record: %s = %g, want %g", name, r.Numeric[name], v)
		}
	}
	if r := flows[5].Record(); r.Numeric["su_attempted"] != 1 {
		t.Errorf("telnet record: su_attempted = %g, want 1", r.Numeric["su_attempted"])
	}
}

func TestStripIAC(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain", "plain"},
		{"\xff\xfd\x18\xff\xfb\x01login: ", "login: "},
		{"a\xff\xfa\x18\x00xterm\xff\xf0b", "ab"},
		{"x\xff\xffy", "x\xffy"},
		{"go\xff\xf9ne", "gone"},
		{"cut\xff", "cut"},
		{"cut\xff\xfb", "cut"},
		{"open\xff\xfa\x18 no end", "open"},
	} {
		if got := string(stripIAC([]byte(c.in))); got != c.want {
			t.Errorf("stripIAC(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestFTPDataPorts(t *testing.T) {
	orig := []byte("USER a\r\nPORT 10,0,0,1,4,1\r\nEPRT |2|::1|6275|\r\nPORT 1,2,3\r\nEPRT |1|1.2.3.4|0|\r\n")
	resp := []byte("227 Entering Passive Mode (10,0,0,2,195,203)\r\n229 Entering Extended Passive Mode (|||6446|)\r\n227 no numbers\r\n227 (1,2,3,4,0,0)\r\n")
	server, client := ftpDataPorts(orig, resp)
	if !slices.Equal(server, []uint16{50123, 6446}) || !slices.Equal(client, []uint16{1025, 6275}) {
		t.Errorf("server ports %v, client ports %v; want [50123 6446] and [1025 6275]", server, client)
	}
}

// FuzzInspectContent feeds the payload parsers arbitrary streams: they never
// panic, count no negative number, and call a login a guest's only when it
// logged in.
func FuzzInspectContent(f *testing.F) {
	f.Add(uint8(0), []byte("USER anonymous\r\nPASS x\r\nPORT 10,0,0,1,4,1\r\nSTOR a\r\n"), []byte("220 hi\r\n530 no\r\n230 ok\r\n227 (1,2,3,4,5,6)\r\n229 (|||77|)\r\n"))
	f.Add(uint8(1), []byte("USER a\r\nPASS b\r\n"), []byte("+OK\r\n+OK\r\n-ERR\r\n"))
	f.Add(uint8(2), []byte("a1 LOGIN x y\r\n"), []byte("a1 NO bad\r\n"))
	f.Add(uint8(3), []byte("bob\r\x00su -\r\x00"), []byte("login: \r\nLogin incorrect\r\nsu: Authentication failure\r\n"))
	services := []string{"ftp", "pop_3", "imap4", "telnet", "login", "http", "other"}
	f.Fuzz(func(t *testing.T, svc uint8, orig, resp []byte) {
		fl := &Flow{Service: services[int(svc)%len(services)], Flag: "SF", SrcBytes: int64(len(orig)), DstBytes: int64(len(resp))}
		c := inspectContent(fl, orig, resp)
		if c.FailedLogins < 0 || c.FileCreations < 0 || c.GuestLogin && !c.LoggedIn {
			t.Fatalf("%s: %+v", fl.Service, c)
		}
		server, client := ftpDataPorts(orig, resp)
		for _, p := range append(server, client...) {
			if p == 0 {
				t.Fatalf("port 0 announced: %v %v", server, client)
			}
		}
	})
}

// FuzzStream cuts a payload into segments by the fuzzer's bytes and delivers
// them in an order, with copies, that the bytes choose too, after a SYN
// whose sequence number wraps past zero within the payload: what the stream
// keeps is always a prefix of the payload, and all of it (up to
// maxInspect) unless the stream reported a gap.
func FuzzStream(f *testing.F) {
	f.Add([]byte{3, 1, 4, 1, 5, 9, 2, 6}, uint16(40))
	f.Add([]byte{200, 0, 7, 7, 7, 255}, uint16(3000))
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, uint16(100))
	f.Fuzz(func(t *testing.T, plan []byte, n uint16) {
		payload := make([]byte, n)
		for i := range payload {
			payload[i] = byte(i*7 + i/251)
		}
		isn := uint32(1<<32 - 1 - int(n)/2)
		type seg struct{ off, end int }
		var segs []seg
		for off, k := 0, 0; off < len(payload); k++ {
			size := 1
			if len(plan) > 0 {
				size += int(plan[k%len(plan)]) * 3
			}
			segs = append(segs, seg{off, min(len(payload), off+size)})
			off += size
		}
		// The plan's bytes also swap segments (local reordering) and copy
		// some (retransmissions).
		for k, b := range plan {
			i, j := k%max(1, len(segs)), int(b)%max(1, len(segs))
			if j-i <= 4 && i-j <= 4 && len(segs) > 0 {
				segs[i], segs[j] = segs[j], segs[i]
			}
			if b%5 == 0 && len(segs) > 0 {
				segs = append(segs, segs[int(b)%len(segs)])
			}
		}
		var s stream
		s.add(isn, true, nil)
		for _, g := range segs {
			s.add(isn+1+uint32(g.off), false, payload[g.off:g.end])
		}
		if !bytes.Equal(s.buf, payload[:len(s.buf)]) {
			t.Fatalf("kept %d bytes that are not the payload's prefix", len(s.buf))
		}
		if want := min(len(payload), maxInspect); !s.gap && len(s.buf) != want {
			t.Fatalf("no gap, all delivered, but kept %d of %d bytes (pending %d)", len(s.buf), want, len(s.pending))
		}
	})
}

// TestFTPDataRenameClearsContent: a passive data connection to a port in the
// X11 range would be logged in by the X11 rule; renamed ftp_data, it takes
// its session's login instead, here none (the login failed).
func TestFTPDataRenameClearsContent(t *testing.T) {
	c := &capture{t: t}
	ftp := &session{c: c, cli: hostA, srv: hostB, cport: 41000, prt: 21, cseq: 1, sseq: 1}
	ftp.open()
	ftp.send(false, "220 ready\r\n")
	ftp.send(true, "USER bob\r\nPASS x\r\n")
	ftp.send(false, "331 ok\r\n530 Login incorrect.\r\n")
	ftp.send(true, "PASV\r\n")
	ftp.send(false, "227 Entering Passive Mode (10,0,0,2,23,122)\r\n") // port 6010
	data := &session{c: c, cli: hostA, srv: hostB, cport: 41001, prt: 6010, cseq: 1, sseq: 1, at: ftp.at}
	data.open()
	data.send(false, "listing")
	data.close()
	ftp.at = data.at
	ftp.close()
	flows, err := DecodePcap(bytes.NewReader(c.pcap()))
	if err != nil {
		t.Fatal(err)
	}
	if len(flows) != 2 || flows[1].Service != "ftp_data" || flows[1].Content.LoggedIn || flows[0].Content.FailedLogins != 1 {
		t.Fatalf("flows %+v, want the data connection ftp_data and not logged in", flows)
	}
}
