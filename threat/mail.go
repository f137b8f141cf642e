package threat

import "strings"

// pop3Content reads a POP3 session (RFC 1939, with RFC 2449's CAPA, RFC
// 2595's STLS and RFC 5034's AUTH), pairing each client line with the
// server's status reply in order after the greeting; multi-line answers
// (to CAPA, LIST, UIDL, RETR, TOP) are skipped to their "." line, and an
// AUTH exchange's "+ " continuations are answered by the client's next
// line. +OK to PASS, APOP or AUTH logs in, -ERR to them is a failed login;
// after STLS the session is encrypted and not read further.
func pop3Content(orig, resp []byte) Content {
	var c Content
	replies := lines(resp)
	r := 0
	// next returns the next status line (+OK, -ERR, or an AUTH
	// continuation "+ "), or "" at the end.
	next := func() string {
		for r < len(replies) {
			l := replies[r]
			r++
			if strings.HasPrefix(l, "+OK") || strings.HasPrefix(l, "-ERR") || strings.HasPrefix(l, "+ ") || l == "+" {
				return l
			}
		}
		return ""
	}
	if next() == "" { // the greeting
		return c
	}
	auth := false // inside an AUTH exchange
	for _, l := range lines(orig) {
		v, arg := verb(l)
		if auth {
			v = "AUTH"
		}
		st := next()
		if st == "" {
			break
		}
		ok := strings.HasPrefix(st, "+OK")
		if v == "AUTH" && arg == "" && !auth {
			// AUTH alone lists the mechanisms (RFC 1734), one per line: no
			// login, and its -ERR no failed one.
			v = "CAPA"
		}
		auth = v == "AUTH" && !ok && !strings.HasPrefix(st, "-ERR")
		switch {
		case auth:
		case v == "PASS" || v == "APOP" || v == "AUTH":
			if ok {
				c.LoggedIn = true
			} else {
				c.FailedLogins++
			}
		case v == "STLS" && ok:
			return c
		case ok && (v == "CAPA" || v == "RETR" || v == "TOP" || (v == "LIST" || v == "UIDL") && arg == ""):
			for r < len(replies) && replies[r] != "." {
				r++
			}
			r++
		}
	}
	return c
}

// imapContent reads an IMAP session (RFC 3501): each tagged reply answers
// the oldest command with its tag; OK to LOGIN or AUTHENTICATE logs in, NO
// to them is a failed login, and a session whose greeting is PREAUTH is
// logged in already.
func imapContent(orig, resp []byte) Content {
	var c Content
	pending := map[string][]string{} // tag -> verbs awaiting replies
	for _, l := range lines(orig) {
		if tag, rest, ok := strings.Cut(strings.TrimSpace(l), " "); ok {
			v, _ := verb(rest)
			pending[tag] = append(pending[tag], v)
		}
	}
	for i, l := range lines(resp) {
		tag, rest, ok := strings.Cut(l, " ")
		if !ok {
			continue
		}
		st, _ := verb(rest)
		if tag == "*" {
			c.LoggedIn = c.LoggedIn || i == 0 && st == "PREAUTH" // the greeting
			continue
		}
		q := pending[tag]
		if len(q) == 0 || st != "OK" && st != "NO" && st != "BAD" {
			continue
		}
		v := q[0]
		pending[tag] = q[1:]
		if v != "LOGIN" && v != "AUTHENTICATE" {
			continue
		}
		switch st {
		case "OK":
			c.LoggedIn = true
		case "NO":
			c.FailedLogins++
		}
	}
	return c
}
