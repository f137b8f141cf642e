package threat

import (
	"bytes"
	"path"
	"strings"
)

// loginFailures are the messages with which telnet and rlogin servers
// (login(1), PAM) refuse a login, lower-cased. "Permission denied" is not
// among them: a shell prints it for any refused file.
var loginFailures = []string{"login incorrect", "login failed", "authentication failure", "incorrect password"}

// loggedInTail is how many responder bytes after the last failed login a
// session must still carry (beyond a new login prompt) to count as logged
// in.
const loggedInTail = 64

// terminalContent reads an established telnet (service telnet) or rlogin
// (login) session, after the telnet commands are taken out (stripIAC):
//
//   - failed logins: the responder's lines with a loginFailures message (su's
//     own failures, lines that start with "su:", are not logins);
//   - su: a line the client typed (after its DEL and backspace edits) that
//     runs su, alone or after exec or sudo;
//   - logged in: the client typed a name and a password (two lines; for
//     rlogin, whose handshake carries the name, one line when asked for a
//     password and none otherwise), and the responder went on talking
//     after the last failed login.
func terminalContent(orig, resp []byte, rlogin bool) Content {
	var c Content
	orig, resp = stripIAC(orig), stripIAC(resp)
	need := 2
	if rlogin {
		if len(resp) > 0 && resp[0] == 1 {
			return c // rlogind refused the connection (RFC 1282: 0x01 and a message)
		}
		orig = skipRloginHandshake(orig)
		need = 0
		if bytes.Contains(bytes.ToLower(resp), []byte("password:")) {
			need = 1
		}
	}
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
	typed := typedLines(orig)
	for _, l := range typed {
		c.SuAttempted = c.SuAttempted || runsSu(l)
	}
	c.LoggedIn = len(typed) >= need && len(resp) > 0 && (last < 0 || len(resp)-last > loggedInTail)
	return c
}

// typedLines splits what a terminal client sent into lines as the remote
// line discipline reads them: a line ends with CR NUL, CR LF, CR or LF (RFC
// 854), DEL and backspace erase the character before them, and NULs are
// dropped.
func typedLines(b []byte) []string {
	var out []string
	var cur []byte
	for i := 0; i < len(b); i++ {
		switch ch := b[i]; ch {
		case '\r', '\n':
			out = append(out, string(cur))
			cur = cur[:0]
			if ch == '\r' && i+1 < len(b) && (b[i+1] == '\n' || b[i+1] == 0) {
				i++
			}
		case 0x7f, '\b':
			if len(cur) > 0 {
				cur = cur[:len(cur)-1]
			}
		case 0:
		default:
			cur = append(cur, ch)
		}
	}
	if len(cur) > 0 {
		out = append(out, string(cur))
	}
	return out
}

// runsSu reports whether a shell command line runs su: as its command, or
// as the command of exec or sudo (after sudo's options), by name or path.
func runsSu(line string) bool {
	f := strings.Fields(line)
	for len(f) > 1 && (f[0] == "exec" || f[0] == "sudo") {
		sudo := f[0] == "sudo"
		f = f[1:]
		for sudo && len(f) > 1 && strings.HasPrefix(f[0], "-") {
			if sudoTakesValue(f[0]) {
				f = f[1:] // the option's value: -u root, -iu root, --user root
			}
			f = f[1:]
		}
	}
	return len(f) > 0 && path.Base(f[0]) == "su"
}

// sudoTakesValue reports whether a sudo option is followed by a separate
// value: a short option cluster whose last letter takes one (-u, -iu), or
// a long one without "=" that does (--user).
func sudoTakesValue(opt string) bool {
	if long, ok := strings.CutPrefix(opt, "--"); ok {
		switch long {
		case "user", "group", "close-from", "chdir", "host", "prompt", "role", "type", "other-user", "command-timeout", "chroot", "login-class":
			return true
		}
		return false
	}
	return len(opt) >= 2 && strings.ContainsRune("ugCDhprtUTRc", rune(opt[len(opt)-1]))
}

// skipRloginHandshake drops the client's rlogin handshake (RFC 1282): a NUL,
// then the local user, the remote user and the terminal type and speed, each
// ended by a NUL.
func skipRloginHandshake(b []byte) []byte {
	if len(b) == 0 || b[0] != 0 {
		return b
	}
	b = b[1:]
	for range 3 {
		i := bytes.IndexByte(b, 0)
		if i < 0 {
			return nil
		}
		b = b[i+1:]
	}
	return b
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
