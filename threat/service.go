package threat

import "github.com/google/gopacket/layers"

// tcpServices and udpServices name NSL-KDD's services by the responder's
// port (IANA assignments; the names are those of the KDD Cup 1999 records).
var tcpServices = map[uint16]string{
	7: "echo", 9: "discard", 11: "systat", 13: "daytime", 15: "netstat", 20: "ftp_data", 21: "ftp",
	22: "ssh", 23: "telnet", 25: "smtp", 37: "time", 42: "name", 43: "whois", 53: "domain", 57: "mtp",
	70: "gopher", 71: "remote_job", 77: "rje", 79: "finger", 80: "http", 84: "ctf", 87: "link",
	95: "supdup", 101: "hostnames", 102: "iso_tsap", 105: "csnet_ns", 109: "pop_2", 110: "pop_3",
	111: "sunrpc", 113: "auth", 117: "uucp_path", 119: "nntp", 137: "netbios_ns", 138: "netbios_dgm",
	139: "netbios_ssn", 143: "imap4", 150: "sql_net", 175: "vmnet", 179: "bgp", 194: "IRC",
	210: "Z39_50", 389: "ldap", 433: "nnsp", 443: "http_443", 512: "exec", 513: "login", 514: "shell",
	515: "printer", 520: "efs", 530: "courier", 540: "uucp", 543: "klogin", 544: "kshell",
	2784: "http_2784", 5190: "aol", 8001: "http_8001",
}

var udpServices = map[uint16]string{
	53: "domain_u", 69: "tftp_u", 123: "ntp_u",
}

// service names a connection's service: by the responder's port for TCP and
// UDP (X11 for 6000-6063; an unlisted port is "private" below 1024 and
// "other" above), by the ICMP type for ICMP: ecr_i echo reply, eco_i echo
// request, urp_i port unreachable, urh_i other unreachable, tim_i time
// exceeded, red_i redirect, oth_i the rest. FTP data connections on other
// ports are named afterwards (ftpDataServices).
func service(p protocol, port uint16, icmpType, icmpCode uint8) string {
	switch p {
	case protoTCP, protoUDP:
		m := tcpServices
		if p == protoUDP {
			m = udpServices
		}
		if s, ok := m[port]; ok {
			return s
		}
		if p == protoTCP && port >= 6000 && port <= 6063 {
			return "X11"
		}
		if port < 1024 {
			return "private"
		}
		return "other"
	case protoICMP:
		switch icmpType {
		case layers.ICMPv4TypeEchoReply:
			return "ecr_i"
		case layers.ICMPv4TypeEchoRequest:
			return "eco_i"
		case layers.ICMPv4TypeDestinationUnreachable:
			if icmpCode == layers.ICMPv4CodePort {
				return "urp_i"
			}
			return "urh_i"
		case layers.ICMPv4TypeTimeExceeded:
			return "tim_i"
		case layers.ICMPv4TypeRedirect:
			return "red_i"
		}
		return "oth_i"
	}
	return "other"
}

// kddLevels are the values NSL-KDD's categorical fields take: its three
// protocols, its 11 connection flags, and its 70 services (KDDTrain+) plus
// KDD'99's oth_i, which service gives ICMP types it does not name. A JSON
// record with any other value is refused (DecodeRecord): a typo would
// otherwise be scored as an unseen service.
var kddLevels = map[string][]string{
	"protocol_type": {"icmp", "tcp", "udp"},
	"flag":          {"OTH", "REJ", "RSTO", "RSTOS0", "RSTR", "S0", "S1", "S2", "S3", "SF", "SH"},
	"service": {"IRC", "X11", "Z39_50", "aol", "auth", "bgp", "courier", "csnet_ns", "ctf", "daytime", "discard",
		"domain", "domain_u", "echo", "eco_i", "ecr_i", "efs", "exec", "finger", "ftp", "ftp_data", "gopher",
		"harvest", "hostnames", "http", "http_2784", "http_443", "http_8001", "imap4", "iso_tsap", "klogin",
		"kshell", "ldap", "link", "login", "mtp", "name", "netbios_dgm", "netbios_ns", "netbios_ssn", "netstat",
		"nnsp", "nntp", "ntp_u", "oth_i", "other", "pm_dump", "pop_2", "pop_3", "printer", "private", "red_i",
		"remote_job", "rje", "shell", "smtp", "sql_net", "ssh", "sunrpc", "supdup", "systat", "telnet", "tftp_u",
		"tim_i", "time", "urh_i", "urp_i", "uucp", "uucp_path", "vmnet", "whois"},
}
