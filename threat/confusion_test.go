package threat

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/contrast-ml/contrast/data"
)

// TestNSLKDDConfusion prints, for trained models, where KDDTest+'s r2l
// records end up: per attack name, the final categories of the records the
// anomaly score flags (and how many of those the head alone calls normal)
// and of those it does not. It is how the fifth session
// found that seed 2's low r2l recall comes from the head's category for
// flagged guess_passwd records, not from the threshold. Give the model
// directories (written by contrast train) in CONTRAST_THREAT_MODELS:
//
//	CONTRAST_THREAT_MODELS=runs/s1,runs/s2 go test -run TestNSLKDDConfusion -v ./threat
//
// It checks that every r2l record is counted once.
func TestNSLKDDConfusion(t *testing.T) {
	dirs := os.Getenv("CONTRAST_THREAT_MODELS")
	if dirs == "" {
		t.Skip("set CONTRAST_THREAT_MODELS=DIR[,DIR...] to trained threat models")
	}
	test := mustTable(t, "nslkdd:"+filepath.Join(nslkddDir(t), "KDDTest+.txt"))
	for _, dir := range strings.Split(dirs, ",") {
		m, err := LoadModel(dir)
		if err != nil {
			t.Fatal(err)
		}
		scores, err := m.Score(test)
		if err != nil {
			t.Fatal(err)
		}
		type counts struct {
			flagged, unflagged [Classes]int
			headNormal         int // flagged records the head alone calls normal
		}
		byAttack := map[string]*counts{}
		var all counts
		total := 0
		for i, s := range scores {
			if test.Category[i] != data.CategoryR2L {
				continue
			}
			total++
			c := byAttack[test.Attack[i]]
			if c == nil {
				c = &counts{}
				byAttack[test.Attack[i]] = c
			}
			for _, k := range []*counts{c, &all} {
				if s.Novel {
					k.flagged[s.Category]++
					k.headNormal += btoi(s.Head == data.CategoryNormal)
				} else {
					k.unflagged[s.Category]++
				}
			}
		}
		sum := func(c [Classes]int) (n int) {
			for _, v := range c {
				n += v
			}
			return n
		}
		if got := sum(all.flagged) + sum(all.unflagged); got != total {
			t.Fatalf("%s: %d r2l records counted, %d in the file", dir, got, total)
		}
		t.Logf("%s: %d r2l records; flagged %d (the head alone calls %d of them normal), final category (normal dos probe r2l u2r) %v; not flagged %v",
			dir, total, sum(all.flagged), all.headNormal, all.flagged, all.unflagged)
		names := make([]string, 0, len(byAttack))
		for a := range byAttack {
			names = append(names, a)
		}
		slices.Sort(names)
		for _, a := range names {
			c := byAttack[a]
			t.Logf("  %-15s flagged %v (head: normal %d)  not flagged %v", a, c.flagged, c.headNormal, c.unflagged)
		}
	}
}
