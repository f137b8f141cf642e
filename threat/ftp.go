package threat

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ftpGuests are the user names of anonymous FTP.
var ftpGuests = []string{"anonymous", "ftp", "guest"}

// ftpContent reads an FTP control connection (RFC 959), pairing each
// command with its final reply in order (ftpReplies; the first is the
// greeting): a 230 (or 202) reply to USER or PASS logs in, as a guest when
// the user was anonymous, ftp or guest; a 530 reply to PASS is a failed
// login; STOR, STOU, APPE and MKD answered with success create files.
func ftpContent(orig, resp []byte) Content {
	var c Content
	replies := ftpReplies(resp)
	var user string
	for k, l := range lines(orig) {
		if k+1 >= len(replies) {
			break // the capture ends before the reply
		}
		v, arg := verb(l)
		r := replies[k+1]
		switch v {
		case "USER":
			user = strings.ToLower(arg)
		case "PASS":
			if r == "530" {
				c.FailedLogins++
			}
		case "STOR", "STOU", "APPE", "MKD", "XMKD":
			if r[0] == '2' {
				c.FileCreations++
			}
		}
		if (v == "USER" || v == "PASS") && (r == "230" || r == "202") && !c.LoggedIn {
			c.LoggedIn, c.GuestLogin = true, slices.Contains(ftpGuests, user)
		}
	}
	return c
}

// ftpReplies returns the codes of an FTP responder's final replies in order:
// a reply ends at a line that starts with its three digits and a space (or
// the line end), the last line of a multi-line reply (RFC 959 §4.2); 1yz
// replies are preliminary (a transfer's "150" before its "226") and skipped.
func ftpReplies(resp []byte) []string {
	var out []string
	for _, l := range lines(resp) {
		if len(l) < 3 || len(l) > 3 && l[3] != ' ' || l[0] < '2' || l[0] > '5' || !isDigits(l[:3]) {
			continue // not a final reply's last line, or a 1yz
		}
		out = append(out, l[:3])
	}
	return out
}

func isDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
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
			// RFC 1123 §4.1.2.6: the numbers follow the first digit after the code.
			if i := strings.IndexAny(l[3:], "0123456789"); i >= 0 {
				if p, ok := hostPort(l[3+i:]); ok {
					server = append(server, p)
				}
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
// "(|||port|)" (a 229 reply): the last field between delimiters, which RFC
// 2428 lets be any printable character ("|" by custom): the one after "(" in
// a reply, the first character of an EPRT argument.
func extendedPort(s string) (uint16, bool) {
	if i := strings.IndexByte(s, '('); i >= 0 {
		s = s[i+1:]
	}
	s = strings.TrimRight(strings.TrimSpace(s), ").")
	if len(s) < 2 {
		return 0, false
	}
	f := strings.Split(s[1:len(s)-1], s[:1])
	if s[len(s)-1] != s[0] || len(f) != 3 {
		return 0, false
	}
	p, err := strconv.ParseUint(f[2], 10, 16)
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
	ann := spans[dataEndpoint]{}
	for i := range flows {
		c := &flows[i]
		for side, ports := range c.ftpPorts {
			host := c.Dst.Addr() // the server's ports (PASV), then the client's (PORT)
			if side == 1 {
				host = c.Src.Addr()
			}
			for _, p := range ports {
				ann.add(dataEndpoint{pairOf(c), netip.AddrPortFrom(host, p)}, c)
			}
		}
	}
	ann.index()
	for i := range flows {
		f := &flows[i]
		if f.Proto != "tcp" || f.Service == "ftp" || f.Service == "ftp_data" {
			continue
		}
		if f.Src.Port() == 20 && (f.Service == "other" || f.Service == "private") || ann.open(dataEndpoint{pairOf(f), f.Dst}, f.Start) {
			f.Service, f.Content = "ftp_data", Content{}
		}
	}
}

// dataEndpoint is a data port that an FTP control connection between pair
// announced.
type dataEndpoint struct {
	pair hostPair
	at   netip.AddrPort
}

// spans answers, per key, whether one of the connections added under it was
// open at a given time, in logarithmic time: the connections by start, with
// the latest end among each prefix.
type spans[K comparable] map[K]*spanList

type spanList struct {
	starts, maxEnd []time.Time
	flows          []*Flow
}

func (s spans[K]) add(k K, f *Flow) {
	l := s[k]
	if l == nil {
		l = &spanList{}
		s[k] = l
	}
	l.flows = append(l.flows, f)
}

// index sorts every list by start and computes the running latest end.
func (s spans[K]) index() {
	for _, l := range s {
		slices.SortStableFunc(l.flows, func(a, b *Flow) int { return a.Start.Compare(b.Start) })
		var end time.Time
		for _, f := range l.flows {
			if f.End.After(end) {
				end = f.End
			}
			l.starts, l.maxEnd = append(l.starts, f.Start), append(l.maxEnd, end)
		}
	}
}

// open reports whether a connection under k was open at t: started at or
// before t and ended at or after it.
func (s spans[K]) open(k K, t time.Time) bool {
	l := s[k]
	if l == nil {
		return false
	}
	n, _ := slices.BinarySearchFunc(l.starts, t, func(a, t time.Time) int {
		if a.After(t) {
			return 1
		}
		return -1
	})
	return n > 0 && !l.maxEnd[n-1].Before(t)
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
