package threat

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/contrast-ml/contrast/data"
)

// TestKDDLevels checks that DecodeRecord's vocabularies (kddLevels) hold
// every service a capture's flows can be given (every port of the tables,
// X11's range, private, other, every ICMP type and code, ftp_data) and every
// value of the NSL-KDD files at hand, so that a record that contrast itself
// or NSL-KDD writes is never refused.
func TestKDDLevels(t *testing.T) {
	for _, v := range kddLevels {
		if !slices.IsSorted(v) {
			t.Errorf("levels not sorted: %v", v)
		}
	}
	has := func(field, v string) {
		t.Helper()
		if !slices.Contains(kddLevels[field], v) {
			t.Errorf("%s %q is not in kddLevels", field, v)
		}
	}
	for _, p := range []protocol{protoTCP, protoUDP} {
		for port := range 1 << 16 {
			has("service", service(p, uint16(port), 0, 0))
		}
	}
	for typ := range 256 {
		for code := range 16 {
			has("service", service(protoICMP, 0, uint8(typ), uint8(code)))
		}
	}
	has("service", "ftp_data")
	dir := nslkddDir(t)
	for _, f := range []string{"KDDTrain+_20Percent.txt", "KDDTest+.txt"} {
		tab, err := data.ReadNSLKDD(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		for j, name := range tab.CategoricalNames {
			for _, v := range tab.Levels[j] {
				has(name, v)
			}
		}
	}
}
