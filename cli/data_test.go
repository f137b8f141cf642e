package cli

import (
	"strings"
	"testing"
)

// A capture is inspected as the connection records threat makes of it: the
// dpkt capture holds DNS lookups (udp, domain_u) and pings (icmp, eco_i).
func TestInspectPcap(t *testing.T) {
	out, err := runCLI(t, "data", "inspect", "pcap:../threat/testdata/dns_icmp.pcap", "--n", "1")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"split flows: 17 records", "protocol_type: 2 levels: icmp, udp", "service: 2 levels: domain_u, eco_i", "#0:"} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, out)
		}
	}
	if _, err := runCLI(t, "data", "inspect", "pcap:../threat/testdata/no-such.pcap"); err == nil || !strings.Contains(err.Error(), "no-such.pcap") {
		t.Errorf("missing capture: error %v, want one naming the file", err)
	}
}
