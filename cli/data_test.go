package cli

import (
	"os"
	"path/filepath"
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

// MovieLens is inspected through package recommend, which reads it.
func TestInspectMovieLens(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "movies.csv"), []byte("movieId,title,genres\n1,Toy Story (1995),Animation|Comedy\n2,Heat (1995),(no genres listed)\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "ratings.csv"), []byte("userId,movieId,rating,timestamp\n7,1,4.5,86400\n9,2,1.0,0\n"), 0o644)
	out, err := runCLI(t, "data", "inspect", "movielens:"+dir, "--n", "1")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2 movies, 2 users, 2 ratings, 0 tags", "movie 1: Toy Story (1995)"} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, out)
		}
	}
	if _, err := runCLI(t, "data", "inspect", "movielens:"+filepath.Join(dir, "nope")); err == nil || !strings.Contains(err.Error(), "movies.csv") {
		t.Errorf("missing files: error %v, want one naming movies.csv", err)
	}
}
