package threat

import (
	"bytes"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Content holds the NSL-KDD content features that the payload of a
// clear-text login protocol determines. KDD's were produced by Bro scripts
// over the DARPA 1998 captures, which are not public in a form that states
// their rules; these are rules read from the protocols and checked against
// the training file's statistics (see loggedInServices). The other content
// features (hot, num_compromised, root_shell, num_root, num_shells,
// num_access_files, num_outbound_cmds, is_host_login) stay 0: they need a
// shell session's commands and their effects interpreted.
type Content struct {
	// LoggedIn: the connection logged in. FTP: a 230 reply; POP3: +OK to
	// PASS or APOP; IMAP: a tagged OK to LOGIN; telnet and rlogin: the
	// client typed two lines or more (a name and a password) and the
	// responder went on talking after the last failed login; for the
	// services of loggedInServices, an established connection that carried
	// responder bytes; ftp_data: the FTP control connection between the same
	// hosts that was open then logged in.
	LoggedIn bool
	// FailedLogins counts failed logins: FTP 530 replies (at most one per
	// PASS), POP3 -ERR to PASS or APOP, IMAP NO to LOGIN, and telnet and
	// rlogin messages such as "Login incorrect".
	FailedLogins int
	// GuestLogin: an FTP login as anonymous, ftp or guest.
	GuestLogin bool
	// FileCreations counts FTP STOR, STOU, APPE and MKD commands.
	FileCreations int
	// SuAttempted: a telnet or rlogin client line runs su.
	SuAttempted bool
}

// loggedInServices are the services whose established TCP connections with
// responder bytes NSL-KDD marks logged in without a login exchange to parse:
// in KDDTrain+_20Percent, of such connections, smtp 0.999 (1,369), http 0.999
// (7,186), domain 0.900 (10), auth 0.750 (36), X11 0.750 (16) and IRC 0.615
// (39) have logged_in = 1; finger (101) and time (21) have almost none.
var loggedInServices = map[string]bool{"http": true, "smtp": true, "domain": true, "auth": true, "X11": true, "IRC": true}

// inspectedPorts are the responder ports whose payload is kept and parsed:
// FTP, telnet, POP3, IMAP and rlogin.
var inspectedPorts = map[uint16]bool{21: true, 23: true, 110: true, 143: true, 513: true}

// maxInspect bounds the bytes of each direction of a connection kept for
// inspection.
const maxInspect = 64 << 10

// stream is one direction of a TCP connection's payload, in sequence order,
// up to maxInspect bytes; it stops at the first gap (a segment not
// captured), so that the parsers never read two pieces as adjacent.
type stream struct {
	buf     []byte
	next    uint32 // sequence number of the next byte expected
	started bool
	gap     bool
}

// add appends a segment with sequence number seq (of its SYN, when syn);
// retransmitted bytes are skipped.
func (s *stream) add(seq uint32, syn bool, data []byte) {
	if syn {
		if !s.started {
			s.next, s.started = seq+1, true
		}
		return
	}
	if s.gap || len(data) == 0 {
		return
	}
	if !s.started {
		s.next, s.started = seq, true
	}
	d := int32(s.next - seq) // bytes of data already seen
	switch {
	case d < 0:
		s.gap = true
		return
	case int(d) >= len(data):
		return
	}
	data = data[d:]
	s.next += uint32(len(data))
	if room := maxInspect - len(s.buf); room > 0 {
		s.buf = append(s.buf, data[:min(len(data), room)]...)
	}
}

// established reports whether a connection with flag flag completed its
// handshake (or was seen mid-way, OTH, with bytes both ways).
func established(flag string, srcBytes, dstBytes int64) bool {
	switch flag {
	case "SF", "S1", "S2", "S3", "RSTO", "RSTR":
		return true
	case "OTH":
		return srcBytes > 0 && dstBytes > 0
	}
	return false
}

// inspectContent computes the content features of a connection to service
// from its originator's and responder's payload.
func inspectContent(f *Flow, orig, resp []byte) Content {
	var c Content
	switch f.Service {
	case "ftp":
		c = ftpContent(orig, resp)
	case "pop_3":
		c = pop3Content(orig, resp)
	case "imap4":
		c = imapContent(orig, resp)
	case "telnet", "login":
		if established(f.Flag, f.SrcBytes, f.DstBytes) {
			c = terminalContent(orig, resp)
		}
	default:
		c.LoggedIn = loggedInServices[f.Service] && f.DstBytes > 0 && established(f.Flag, f.SrcBytes, f.DstBytes)
	}
	return c
}

// lines splits b into lines without their CR LF.
func lines(b []byte) []string {
	var out []string
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			i = len(b) - 1
		}
		out = append(out, strings.TrimRight(string(b[:i+1]), "\r\n"))
		b = b[i+1:]
	}
	return out
}

// verb returns the upper-cased first word of a command line.
func verb(line string) (string, string) {
	v, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
	return strings.ToUpper(v), strings.TrimSpace(arg)
}

// ftpContent reads an FTP control connection (RFC 959).
func ftpContent(orig, resp []byte) Content {
	var c Content
	var user string
	passes := 0
	for _, l := range lines(orig) {
		switch v, arg := verb(l); v {
		case "USER":
			user = strings.ToLower(arg)
		case "PASS":
			passes++
		case "STOR", "STOU", "APPE", "MKD", "XMKD":
			c.FileCreations++
		}
	}
	for _, l := range lines(resp) {
		switch {
		case strings.HasPrefix(l, "230 "):
			c.LoggedIn = true
		case strings.HasPrefix(l, "530 ") && c.FailedLogins < passes:
			c.FailedLogins++
		}
	}
	c.GuestLogin = c.LoggedIn && (user == "anonymous" || user == "ftp" || user == "guest")
	return c
}

// pop3Content reads the login phase of a POP3 session (RFC 1939): one reply
// per command after the greeting, so the reply to the i-th command is the
// (i+1)-th status line, up to the first command that is not USER, PASS or
// APOP (later replies can span lines).
func pop3Content(orig, resp []byte) Content {
	var c Content
	var status []string
	for _, l := range lines(resp) {
		if strings.HasPrefix(l, "+OK") || strings.HasPrefix(l, "-ERR") {
			status = append(status, l)
		}
	}
	for i, l := range lines(orig) {
		v, _ := verb(l)
		if v != "USER" && v != "PASS" && v != "APOP" {
			break
		}
		if v == "USER" || i+1 >= len(status) {
			continue
		}
		if strings.HasPrefix(status[i+1], "+OK") {
			c.LoggedIn = true
		} else {
			c.FailedLogins++
		}
	}
	return c
}

// imapContent reads the tagged replies to IMAP LOGIN commands (RFC 3501).
func imapContent(orig, resp []byte) Content {
	var c Content
	logins := map[string]bool{}
	for _, l := range lines(orig) {
		if tag, rest, ok := strings.Cut(strings.TrimSpace(l), " "); ok {
			if v, _ := verb(rest); v == "LOGIN" {
				logins[tag] = true
			}
		}
	}
	for _, l := range lines(resp) {
		tag, rest, ok := strings.Cut(l, " ")
		if !ok || !logins[tag] {
			continue
		}
		switch v, _ := verb(rest); v {
		case "OK":
			c.LoggedIn = true
		case "NO":
			c.FailedLogins++
		}
	}
	return c
}

// loginFailures are the messages with which telnet and rlogin servers
// (login(1), PAM) refuse a login, lower-cased.
var loginFailures = []string{"login incorrect", "login failed", "authentication failure", "incorrect password"}

// loggedInTail is how many responder bytes after the last failed login a
// session must still carry (beyond a new login prompt) to count as logged
// in.
const loggedInTail = 64

// terminalContent reads an established telnet or rlogin session: failed
// logins from the responder's lines (su's own failures, lines that start
// with "su:", are not logins), su from the originator's lines, after the
// telnet commands are taken out (stripIAC).
func terminalContent(orig, resp []byte) Content {
	var c Content
	orig, resp = stripIAC(orig), stripIAC(resp)
	last := -1
	for at := 0; at < len(resp); {
		end := len(resp)
		if i := bytes.IndexByte(resp[at:], '\n'); i >= 0 {
			end = at + i + 1
		}
		low := strings.ToLower(strings.TrimSpace(string(resp[at:end])))
		at = end
		if strings.HasPrefix(low, "su:") {
			continue
		}
		for _, m := range loginFailures {
			if strings.Contains(low, m) {
				c.FailedLogins++
				last = end
				break
			}
		}
	}
	// A telnet client ends a line with CR NUL or CR LF (RFC 854).
	typed := lines(bytes.ReplaceAll(orig, []byte("\r\x00"), []byte("\n")))
	for _, l := range typed {
		if v, _ := verb(strings.Trim(l, "\x00")); v == "SU" {
			c.SuAttempted = true
		}
	}
	// A login takes a name and a password (two lines; rlogin sends the
	// name in its handshake, which has NULs but no line end).
	c.LoggedIn = len(typed) >= 2 && len(resp) > 0 && (last < 0 || len(resp)-last > loggedInTail)
	return c
}

// ftpDataPorts returns the data connection ports an FTP control connection
// announced: the server's in 227 (PASV) and 229 (EPSV) replies, the client's
// in PORT and EPRT commands. The addresses in them are not read: behind a
// NAT they name the private side, and a data connection runs between the
// control connection's hosts.
func ftpDataPorts(orig, resp []byte) (server, client []uint16) {
	for _, l := range lines(resp) {
		switch {
		case strings.HasPrefix(l, "227"):
			if p, ok := hostPort(l[strings.IndexByte(l, '(')+1:]); ok {
				server = append(server, p)
			}
		case strings.HasPrefix(l, "229"):
			if p, ok := extendedPort(l); ok {
				server = append(server, p)
			}
		}
	}
	for _, l := range lines(orig) {
		switch v, arg := verb(l); v {
		case "PORT":
			if p, ok := hostPort(arg); ok {
				client = append(client, p)
			}
		case "EPRT":
			if p, ok := extendedPort(arg); ok {
				client = append(client, p)
			}
		}
	}
	return server, client
}

// hostPort reads the port of RFC 959's "h1,h2,h3,h4,p1,p2" at the start of
// s (digits and commas; anything after them is ignored).
func hostPort(s string) (uint16, bool) {
	end := 0
	for end < len(s) && (s[end] == ',' || s[end] >= '0' && s[end] <= '9') {
		end++
	}
	f := strings.Split(s[:end], ",")
	if len(f) != 6 {
		return 0, false
	}
	hi, err1 := strconv.ParseUint(f[4], 10, 8)
	lo, err2 := strconv.ParseUint(f[5], 10, 8)
	if err1 != nil || err2 != nil || hi == 0 && lo == 0 {
		return 0, false
	}
	return uint16(hi<<8 | lo), true
}

// extendedPort reads the port of RFC 2428's "|proto|addr|port|" (EPRT) or
// "(|||port|)" (a 229 reply): the last field between delimiters.
func extendedPort(s string) (uint16, bool) {
	end := strings.LastIndexByte(s, '|')
	if end < 0 {
		return 0, false
	}
	start := strings.LastIndexByte(s[:end], '|')
	if start < 0 {
		return 0, false
	}
	p, err := strconv.ParseUint(s[start+1:end], 10, 16)
	if err != nil || p == 0 {
		return 0, false
	}
	return uint16(p), true
}

// ftpDataServices names "ftp_data" the TCP connections of flows that are
// FTP data connections by KDD's convention but not by their responder's
// port: those from port 20 (active mode) and those to a port that an FTP
// control connection between the same hosts, open at the time, announced
// for data (Flow.ftpPorts, see ftpDataPorts). A renamed connection's content
// features are cleared: inheritFTPLogins sets its login.
func ftpDataServices(flows []Flow) {
	ctrl := map[hostPair][]*Flow{}
	for i := range flows {
		if c := &flows[i]; c.ftpPorts[0] != nil || c.ftpPorts[1] != nil {
			ctrl[pairOf(c)] = append(ctrl[pairOf(c)], c)
		}
	}
	for i := range flows {
		f := &flows[i]
		if f.Proto != "tcp" || f.Service == "ftp" || f.Service == "ftp_data" {
			continue
		}
		if f.Src.Port() == 20 && (f.Service == "other" || f.Service == "private") || announced(f, ctrl[pairOf(f)]) {
			f.Service, f.Content = "ftp_data", Content{}
		}
	}
}

// announced reports whether one of the FTP control connections ctrl (between
// f's hosts) was open when f began and announced f's responder port on the
// side f goes to.
func announced(f *Flow, ctrl []*Flow) bool {
	for _, c := range ctrl {
		if f.Start.Before(c.Start) || f.Start.After(c.End) {
			continue
		}
		if f.Dst.Addr() == c.Dst.Addr() && slices.Contains(c.ftpPorts[0], f.Dst.Port()) ||
			f.Dst.Addr() == c.Src.Addr() && slices.Contains(c.ftpPorts[1], f.Dst.Port()) {
			return true
		}
	}
	return false
}

// hostPair names the two hosts of a connection, in canonical order.
type hostPair [2]netip.Addr

func pairOf(f *Flow) hostPair {
	a, b := f.Src.Addr(), f.Dst.Addr()
	if b.Less(a) {
		a, b = b, a
	}
	return hostPair{a, b}
}

// stripIAC returns b without its telnet commands (RFC 854): IAC (0xFF) and a
// command byte, with an option byte after WILL, WONT, DO and DONT, and a
// subnegotiation (IAC SB) up to IAC SE; IAC IAC stands for a 0xFF data byte.
func stripIAC(b []byte) []byte {
	if bytes.IndexByte(b, 0xff) < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != 0xff {
			out = append(out, b[i])
			continue
		}
		if i+1 == len(b) {
			break
		}
		switch cmd := b[i+1]; {
		case cmd == 0xff:
			out = append(out, 0xff)
			i++
		case cmd >= 0xfb && cmd <= 0xfe: // WILL, WONT, DO, DONT and an option
			i += 2
		case cmd == 0xfa: // SB ... IAC SE
			j := bytes.Index(b[i+2:], []byte{0xff, 0xf0})
			if j < 0 {
				return out
			}
			i += 2 + j + 1
		default:
			i++
		}
	}
	return out
}
