package threat

import (
	"bytes"
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
	// LoggedIn: the connection logged in. FTP: a 230 reply to USER or PASS;
	// POP3: +OK to PASS, APOP or AUTH; IMAP: a tagged OK to LOGIN or
	// AUTHENTICATE, or a PREAUTH greeting; telnet and rlogin: see
	// terminalContent; for the services of loggedInServices, an established
	// connection that carried responder bytes; ftp_data: the FTP control
	// connection between the same hosts that was open then logged in.
	LoggedIn bool
	// FailedLogins counts failed logins: FTP 530 replies to PASS, POP3 -ERR
	// to PASS, APOP or AUTH, IMAP NO to LOGIN or AUTHENTICATE, and telnet
	// and rlogin messages such as "Login incorrect".
	FailedLogins int
	// GuestLogin: an FTP login as anonymous, ftp or guest.
	GuestLogin bool
	// FileCreations counts FTP STOR, STOU, APPE and MKD commands answered
	// with success.
	FileCreations int
	// SuAttempted: a telnet or rlogin client line runs su. (NSL-KDD's
	// su_attempted is sometimes 2; what that counts is not documented.)
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
			c = terminalContent(orig, resp, f.Service == "login")
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
