package data

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func categoryCounts(t *Table) map[Category]int {
	c := map[Category]int{}
	for _, v := range t.Category {
		c[v]++
	}
	return c
}

func TestReadNSLKDDSample(t *testing.T) {
	tab, err := ReadNSLKDD("testdata/nslkdd/train_sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	if tab.Len() != 34 || len(tab.NumericNames) != 38 || !slices.Equal(tab.CategoricalNames, []string{"protocol_type", "service", "flag"}) {
		t.Fatalf("len %d, %d numeric, categorical %v", tab.Len(), len(tab.NumericNames), tab.CategoricalNames)
	}
	// First record: 0,tcp,ftp_data,SF,491,0,...,normal,20
	row := tab.NumericRow(0)
	if row[0] != 0 || row[1] != 491 || tab.NumericNames[1] != "src_bytes" || tab.Attack[0] != "normal" || tab.Category[0] != CategoryNormal || tab.Difficulty[0] != 20 {
		t.Fatalf("row 0: %v attack %s/%s difficulty %d", row[:3], tab.Attack[0], tab.Category[0], tab.Difficulty[0])
	}
	// dst_host_srv_rerror_rate is the last numeric column, 0.00 in row 0;
	// dst_host_rerror_rate of row 1 is 0.00 and its same_srv_rate 0.08.
	if j := slices.Index(tab.NumericNames, "same_srv_rate"); tab.NumericRow(1)[j] != 0.08 {
		t.Fatalf("row 1 same_srv_rate = %v", tab.NumericRow(1)[j])
	}
	cat := tab.CategoricalRow(0)
	if tab.Levels[0][cat[0]] != "tcp" || tab.Levels[1][cat[1]] != "ftp_data" || tab.Levels[2][cat[2]] != "SF" {
		t.Fatalf("row 0 categorical %v levels %v", cat, tab.Levels)
	}
	for j := range tab.Levels {
		if !slices.IsSorted(tab.Levels[j]) {
			t.Fatalf("levels %v not sorted", tab.Levels[j])
		}
	}
	cc := categoryCounts(tab)
	if cc[CategoryU2R] != 2 || cc[CategoryR2L] != 3 || cc[CategoryDoS] != 14 || cc[CategoryProbe] != 1 || cc[CategoryNormal] != 14 {
		t.Fatalf("categories %v", cc)
	}
	labels, names := tab.AttackLabels()
	if names[labels[0]] != "normal" || !slices.IsSorted(names) || len(names) != 6 {
		t.Fatalf("attack labels: %v %v", labels[:3], names)
	}
	if cl := tab.CategoryLabels(); cl[0] != 0 || len(cl) != 34 {
		t.Fatalf("category labels %v", cl)
	}
	sub := tab.Subset([]int{1, 0})
	if sub.Len() != 2 || sub.NumericRow(1)[1] != 491 || sub.Attack[1] != "normal" || !slices.Equal(sub.CategoricalRow(1), cat) {
		t.Fatalf("Subset: %+v", sub)
	}
}

func TestNSLKDDAlignLevels(t *testing.T) {
	train, err := ReadNSLKDD("testdata/nslkdd/train_sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	test, err := ReadNSLKDD("testdata/nslkdd/test_sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	raw := make([][]string, test.Len()) // the level strings before aligning
	for i := range test.Len() {
		for j, v := range test.CategoricalRow(i) {
			raw[i] = append(raw[i], test.Levels[j][v])
		}
	}
	if err := test.AlignLevels(train); err != nil {
		t.Fatal(err)
	}
	unseen := 0
	for i := range test.Len() {
		for j, v := range test.CategoricalRow(i) {
			if v < 0 {
				unseen++
				if slices.Contains(train.Levels[j], raw[i][j]) {
					t.Fatalf("row %d col %d: %q is a training level but mapped to -1", i, j, raw[i][j])
				}
				continue
			}
			if train.Levels[j][v] != raw[i][j] {
				t.Fatalf("row %d col %d: %q became %q", i, j, raw[i][j], train.Levels[j][v])
			}
		}
	}
	if unseen == 0 {
		t.Fatal("the test sample has services the training sample lacks; expected some -1")
	}
	// Test-only attacks get their category from the built-in table.
	for i, a := range test.Attack {
		if a == "apache2" && test.Category[i] != CategoryDoS || a == "mscan" && test.Category[i] != CategoryProbe {
			t.Fatalf("%s -> %s", a, test.Category[i])
		}
	}
	bad := &Table{CategoricalNames: []string{"x"}}
	if err := test.AlignLevels(bad); err == nil {
		t.Fatal("AlignLevels with other columns: no error")
	}
}

// TestReadNSLKDDFull checks the shared files against awk counts; the KDDTest+
// category counts (dos 7458, probe 2421, r2l 2754, u2r 200) are those usually
// published for NSL-KDD.
func TestReadNSLKDDFull(t *testing.T) {
	dir := sharedData(t, "nslkdd")
	for _, c := range []struct {
		file            string
		n, services     int
		counts          [NumCategories]int
		diffSum, srcSum float64
	}{
		{"KDDTrain+_20Percent.txt", 25192, 66, [NumCategories]int{13449, 9234, 2289, 209, 11}, 490934, 612937186},
		{"KDDTest+.txt", 22544, 64, [NumCategories]int{9711, 7458, 2421, 2754, 200}, 406197, 234355030},
	} {
		t.Run(c.file, func(t *testing.T) {
			tab, err := ReadNSLKDD(filepath.Join(dir, c.file))
			if err != nil {
				t.Fatal(err)
			}
			cc := categoryCounts(tab)
			for k := range Category(NumCategories) {
				if cc[k] != c.counts[k] {
					t.Errorf("%s: %d, want %d", k, cc[k], c.counts[k])
				}
			}
			var d, s float64
			src := slices.Index(tab.NumericNames, "src_bytes")
			for i := range tab.Len() {
				d += float64(tab.Difficulty[i])
				s += tab.NumericRow(i)[src]
			}
			if tab.Len() != c.n || len(tab.Levels[1]) != c.services || len(tab.Levels[2]) != 11 || cc[CategoryUnknown] != 0 || d != c.diffSum || s != c.srcSum {
				t.Errorf("n %d services %d flags %d unknown %d difficulty sum %v src_bytes sum %v", tab.Len(), len(tab.Levels[1]), len(tab.Levels[2]), cc[CategoryUnknown], d, s)
			}
		})
	}
}

func TestNSLKDDSchemaFiles(t *testing.T) {
	at, err := os.ReadFile("testdata/nslkdd/AttackTypes.csv")
	if err != nil {
		t.Fatal(err)
	}
	m, err := DecodeAttackTypes(strings.NewReader(string(at)), "AttackTypes.csv")
	if err != nil {
		t.Fatal(err)
	}
	// 22 training attacks, normal and unknown, one per CR-terminated line.
	if len(m) != 24 || m["warezmaster"] != CategoryR2L || m["unknown"] != CategoryUnknown || m["normal"] != CategoryNormal {
		t.Fatalf("%d entries: %v", len(m), m)
	}
	for a, c := range m {
		if def, ok := nslkddCategories[a]; ok && def != c {
			t.Errorf("built-in category of %s is %s, AttackTypes.csv says %s", a, def, c)
		}
	}
	fn, err := os.ReadFile("testdata/nslkdd/FieldNames.csv")
	if err != nil {
		t.Fatal(err)
	}
	fields, err := DecodeFieldNames(strings.NewReader(string(fn)), "FieldNames.csv")
	if err != nil {
		t.Fatal(err)
	}
	def := DefaultNSLKDDSchema()
	if !slices.Equal(fields, def.Fields) {
		t.Fatalf("FieldNames.csv %v\ndiffers from the built-in %v", fields, def.Fields)
	}
	// Without the schema files beside the data, the built-in schema applies.
	d := t.TempDir()
	b, _ := os.ReadFile("testdata/nslkdd/test_sample.txt")
	writeFile(t, filepath.Join(d, "x.txt"), b)
	tab, err := ReadNSLKDD(filepath.Join(d, "x.txt"))
	if err != nil || tab.Len() != 13 || len(tab.NumericNames) != 38 {
		t.Fatalf("%v %v", tab, err)
	}
}

func TestDecodeNSLKDDErrors(t *testing.T) {
	good := "0,tcp,ftp_data,SF,491,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,2,0.00,0.00,0.00,0.00,1.00,0.00,0.00,150,25,0.17,0.03,0.17,0.00,0.00,0.00,0.05,0.00,normal,20"
	s := DefaultNSLKDDSchema()
	for _, c := range []struct {
		name, in string
		line     int
		msg      string
	}{
		{"fields", good + "\n1,2,3\n", 2, "3 comma-separated fields, want 41"},
		{"number", strings.Replace(good, "491", "4x1", 1), 1, `field 5 (src_bytes): "4x1"`},
		{"nan", strings.Replace(good, "491", "NaN", 1), 1, "not a finite number"},
		{"empty symbolic", strings.Replace(good, "ftp_data", "", 1), 1, "field 3 (service) is empty"},
		{"empty label", strings.Replace(good, "normal", "", 1), 1, "label"},
		{"difficulty", "\n\n" + strings.Replace(good, ",20", ",-3", 1), 3, "difficulty"},
		{"negative count", strings.Replace(good, "491", "-5", 1), 1, "field 5 (src_bytes): -5 is outside [0, 1e+15]"},
		{"rate above 1", strings.Replace(good, ",1.00,", ",7,", 1), 1, "field 29 (same_srv_rate): 7 is outside [0, 1]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeNSLKDD(strings.NewReader(c.in), "k.txt", s)
			wantParseError(t, err, "k.txt", c.line, c.msg)
		})
	}
	t.Run("no records", func(t *testing.T) {
		for _, in := range []string{"", "\n  \n"} {
			if _, err := DecodeNSLKDD(strings.NewReader(in), "k.txt", s); err == nil || !strings.Contains(err.Error(), "k.txt: holds no records") {
				t.Errorf("input %q: error %v, want no records", in, err)
			}
		}
	})
	t.Run("kdd99 form", func(t *testing.T) {
		tab, err := DecodeNSLKDD(strings.NewReader(strings.Replace(good, "normal,20", "smurf.", 1)), "k.txt", s)
		if err != nil || tab.Attack[0] != "smurf" || tab.Category[0] != CategoryDoS || tab.Difficulty[0] != -1 {
			t.Fatalf("%+v %v", tab, err)
		}
	})
	t.Run("unknown attack", func(t *testing.T) {
		tab, err := DecodeNSLKDD(strings.NewReader(strings.Replace(good, "normal", "zeroday", 1)), "k.txt", s)
		if err != nil || tab.Category[0] != CategoryUnknown {
			t.Fatalf("%+v %v", tab, err)
		}
	})
	for _, c := range []struct{ in, msg string }{
		{"a,continuous\na,symbolic\n", "named twice"},
		{"a,weird\n", `type "weird"`},
		{"nocomma\n", "want"},
	} {
		_, err := DecodeFieldNames(strings.NewReader(c.in), "F.csv")
		wantParseError(t, err, "F.csv", strings.Count(c.in, "\n"), c.msg)
	}
	_, err := DecodeAttackTypes(strings.NewReader("x,dos\ry,evil\r"), "A.csv")
	wantParseError(t, err, "A.csv", 2, `category "evil"`)
}

func FuzzDecodeNSLKDD(f *testing.F) {
	for _, name := range []string{"train_sample.txt", "test_sample.txt"} {
		b, err := os.ReadFile(filepath.Join("testdata", "nslkdd", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:min(len(b), 2000)])
	}
	f.Add([]byte("0,tcp,http,SF,1,2,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,1,0,0,0,0,1,0,0,1,1,1,0,0,0,0,0,0,0,back.\r"))
	s := DefaultNSLKDDSchema()
	f.Fuzz(func(t *testing.T, in []byte) {
		tab, err := DecodeNSLKDD(strings.NewReader(string(in)), "fz.txt", s)
		if err != nil {
			if !strings.Contains(err.Error(), "fz.txt:") {
				t.Fatalf("error %q does not name the line", err)
			}
			return
		}
		k := len(tab.CategoricalNames)
		if len(tab.Numeric) != tab.Len()*len(tab.NumericNames) || len(tab.Categorical) != tab.Len()*k || len(tab.Difficulty) != tab.Len() {
			t.Fatalf("inconsistent table sizes")
		}
		for i, v := range tab.Categorical {
			if v < 0 || v >= len(tab.Levels[i%k]) {
				t.Fatalf("level index %d out of range", v)
			}
		}
		DecodeAttackTypes(strings.NewReader(string(in)), "a")
		DecodeFieldNames(strings.NewReader(string(in)), "b")
	})
}
