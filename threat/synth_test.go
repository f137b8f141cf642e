package threat

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/contrast-ml/contrast/data"
)

var update = flag.Bool("update", false, "rewrite testdata/synthetic-nslkdd.txt from its generator")

// synthFile is a small synthetic NSL-KDD file (synthNSLKDD's output), so
// that tests can train a model without the real data set.
var synthFile = filepath.Join("testdata", "synthetic-nslkdd.txt")

// synthKinds are the synthetic connection kinds: attack name and count.
var synthKinds = []struct {
	attack string
	n      int
}{
	{"normal", 150}, {"neptune", 50}, {"smurf", 20}, {"portsweep", 20}, {"ipsweep", 15},
	{"guess_passwd", 20}, {"warezclient", 15}, {"buffer_overflow", 15},
}

// synthNSLKDD writes NSL-KDD lines (41 features, attack, difficulty) whose
// features imitate each kind's typical connections in KDDTrain+: normal web,
// DNS and mail traffic; neptune SYN floods (S0, many connections, SYN
// errors); smurf ICMP echo-reply floods; portsweep rejected probes of many
// ports; ipsweep ICMP echo requests; guess_passwd failed telnet logins;
// warezclient large FTP downloads by a guest; buffer_overflow long telnet
// sessions ending in a root shell. Rows are interleaved in a seeded order.
func synthNSLKDD(seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 0x73796e7468))
	between := func(lo, hi int) int { return lo + rng.IntN(hi-lo+1) }
	rate := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
	var kinds []string
	for _, k := range synthKinds {
		for range k.n {
			kinds = append(kinds, k.attack)
		}
	}
	rng.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
	var b bytes.Buffer
	for _, kind := range kinds {
		f := map[string]any{"protocol_type": "tcp", "service": "private", "flag": "SF"}
		switch kind {
		case "normal":
			switch rng.IntN(3) {
			case 0, 1:
				f["service"], f["src_bytes"], f["dst_bytes"] = "http", between(150, 400), between(300, 9000)
				f["logged_in"], f["count"], f["srv_count"] = 1, between(1, 20), between(1, 30)
			case 2:
				f["protocol_type"], f["service"] = "udp", "domain_u"
				f["src_bytes"], f["dst_bytes"], f["count"], f["srv_count"] = between(30, 50), between(50, 150), between(1, 100), between(1, 100)
			}
			f["same_srv_rate"], f["srv_diff_host_rate"] = 1.0, rate(0, 0.2)
			f["dst_host_count"], f["dst_host_srv_count"] = between(10, 255), between(150, 255)
			f["dst_host_same_srv_rate"], f["dst_host_same_src_port_rate"] = 1.0, rate(0, 0.05)
		case "neptune":
			f["flag"], f["count"], f["srv_count"] = "S0", between(100, 250), between(1, 25)
			f["serror_rate"], f["srv_serror_rate"], f["same_srv_rate"], f["diff_srv_rate"] = 1.0, 1.0, rate(0, 0.1), rate(0.05, 0.1)
			f["dst_host_count"], f["dst_host_srv_count"] = 255, between(1, 25)
			f["dst_host_same_srv_rate"], f["dst_host_diff_srv_rate"] = rate(0, 0.1), rate(0.05, 0.1)
			f["dst_host_serror_rate"], f["dst_host_srv_serror_rate"] = 1.0, 1.0
		case "smurf":
			f["protocol_type"], f["service"], f["src_bytes"] = "icmp", "ecr_i", []int{520, 1032}[rng.IntN(2)]
			f["count"], f["srv_count"], f["same_srv_rate"] = 511, 511, 1.0
			f["dst_host_count"], f["dst_host_srv_count"], f["dst_host_same_srv_rate"] = 255, 255, 1.0
			f["dst_host_same_src_port_rate"] = 1.0
		case "portsweep":
			f["flag"], f["duration"] = []string{"REJ", "RSTR"}[rng.IntN(2)], between(0, 3)
			f["count"], f["srv_count"] = between(1, 3), between(1, 3)
			f["rerror_rate"], f["srv_rerror_rate"], f["same_srv_rate"], f["diff_srv_rate"] = 1.0, 1.0, rate(0.3, 1), rate(0.5, 1)
			f["dst_host_count"], f["dst_host_srv_count"] = between(1, 60), between(1, 5)
			f["dst_host_diff_srv_rate"], f["dst_host_same_src_port_rate"] = rate(0.5, 1), 1.0
			f["dst_host_rerror_rate"], f["dst_host_srv_rerror_rate"] = rate(0.5, 1), 1.0
		case "ipsweep":
			f["protocol_type"], f["service"], f["src_bytes"] = "icmp", "eco_i", between(8, 18)
			f["count"], f["srv_count"], f["srv_diff_host_rate"] = 1, between(1, 10), 1.0
			f["dst_host_count"], f["dst_host_srv_count"] = between(1, 100), between(1, 100)
			f["dst_host_same_srv_rate"], f["dst_host_same_src_port_rate"], f["dst_host_srv_diff_host_rate"] = 1.0, 1.0, rate(0.3, 0.6)
		case "guess_passwd":
			f["service"], f["flag"], f["duration"] = "telnet", "RSTO", between(1, 5)
			f["src_bytes"], f["dst_bytes"], f["num_failed_logins"] = 125, 179, 1
			f["count"], f["srv_count"], f["same_srv_rate"] = 1, 1, 1.0
			f["dst_host_count"], f["dst_host_srv_count"] = between(1, 255), between(1, 255)
			f["dst_host_same_srv_rate"], f["dst_host_rerror_rate"], f["dst_host_srv_rerror_rate"] = 1.0, rate(0.5, 1), rate(0.5, 1)
		case "warezclient":
			f["service"], f["duration"] = "ftp_data", between(10, 200)
			f["src_bytes"], f["hot"], f["logged_in"], f["is_guest_login"] = between(10000, 300000), between(1, 28), 1, 1
			f["count"], f["srv_count"], f["same_srv_rate"] = 1, 1, 1.0
			f["dst_host_count"], f["dst_host_srv_count"] = between(1, 20), between(1, 20)
			f["dst_host_same_srv_rate"], f["dst_host_same_src_port_rate"] = 1.0, rate(0.5, 1)
		case "buffer_overflow":
			f["service"], f["duration"] = "telnet", between(50, 200)
			f["src_bytes"], f["dst_bytes"], f["hot"], f["logged_in"] = between(1000, 2000), between(2000, 8000), between(1, 3), 1
			f["root_shell"], f["num_file_creations"], f["num_shells"] = 1, between(1, 2), between(0, 1)
			f["count"], f["srv_count"], f["same_srv_rate"] = 1, 1, 1.0
			f["dst_host_count"], f["dst_host_srv_count"] = between(1, 10), between(1, 10)
			f["dst_host_same_srv_rate"], f["dst_host_same_src_port_rate"] = 1.0, rate(0, 1)
		default:
			panic("threat: synthNSLKDD: kind " + kind)
		}
		var fields []string
		for _, fd := range data.DefaultNSLKDDSchema().Fields {
			switch v := f[fd.Name].(type) {
			case nil:
				fields = append(fields, "0")
			case string:
				fields = append(fields, v)
			case int:
				fields = append(fields, strconv.Itoa(v))
			case float64:
				fields = append(fields, strconv.FormatFloat(v, 'f', 2, 64))
			}
		}
		fmt.Fprintf(&b, "%s,%s,%d\n", strings.Join(fields, ","), kind, between(15, 21))
	}
	return b.Bytes()
}

// TestSyntheticNSLKDD checks that the committed synthetic file is its
// generator's output (go test -run TestSyntheticNSLKDD -update rewrites it)
// and that the NSL-KDD reader takes it whole, with every category present.
func TestSyntheticNSLKDD(t *testing.T) {
	want := synthNSLKDD(1)
	if *update {
		if err := os.WriteFile(synthFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(synthFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from synthNSLKDD(1); rerun with -update", synthFile)
	}
	tab, err := data.ReadNSLKDD(synthFile)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, k := range synthKinds {
		total += k.n
	}
	counts := map[data.Category]int{}
	for _, c := range tab.Category {
		counts[c]++
	}
	if tab.Len() != total || len(counts) != Classes || counts[data.CategoryUnknown] != 0 {
		t.Fatalf("%d rows, categories %v; want %d rows of the %d known categories", tab.Len(), counts, total, Classes)
	}
}

// tinyConfig trains small networks on the synthetic file in well under a
// second, testing on the same file.
func tinyConfig() Config {
	c := Default()
	c.Train, c.Test = "nslkdd:"+synthFile, "nslkdd:"+synthFile
	c.Encoder = EncoderConfig{Hidden: []int{32}, Dim: 16, Norm: NormLayer, Proj: 16}
	c.Features.EmbedDim = 4
	c.SCARF.Epochs, c.SCARF.Batch = 1, 64
	c.SupCon.Epochs, c.SupCon.Batch, c.SupCon.LR = 8, 64, 3e-3
	c.Novelty.Epochs, c.Novelty.Hidden, c.Novelty.EmbedDim, c.Novelty.K = 1, []int{32}, 4, 3
	c.Novelty.Members = 1 // TestNoveltyMembers covers several
	c.KNN.K = 5
	return c
}

// trainTiny trains a model with tinyConfig (about 0.3 s) into a temporary
// directory and loads it.
func trainTiny(t *testing.T) (string, *Model) {
	t.Helper()
	dir := t.TempDir()
	if _, err := Train(context.Background(), tinyConfig(), dir, nil); err != nil {
		t.Fatal(err)
	}
	m, err := LoadModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, m
}
