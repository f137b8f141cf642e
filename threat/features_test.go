package threat

import (
	"math"
	"slices"
	"testing"

	"github.com/contrast-ml/contrast/data"
)

// handTable has numeric columns count (heavy-tailed), rate (in [0, 1]) and
// flagged (0/1), and categorical columns proto and service.
func handTable() *data.Table {
	return &data.Table{
		NumericNames:     []string{"count", "rate", "flagged"},
		Numeric:          []float64{0, 0.5, 1, 3, 0.25, 0, 7, 1, 0, 1000, 0, 1},
		CategoricalNames: []string{"proto", "service"},
		Levels:           [][]string{{"icmp", "tcp", "udp"}, {"ftp", "http", "smtp"}},
		Categorical:      []int{1, 1, 0, 2, 1, 0, 2, 1},
		Attack:           []string{"normal", "neptune", "normal", "smurf"},
		Category:         []data.Category{data.CategoryNormal, data.CategoryDoS, data.CategoryNormal, data.CategoryDoS},
		Difficulty:       []int{1, 2, 3, 4},
	}
}

func TestPipelineHandValues(t *testing.T) {
	tab := handTable()
	// Fit on rows 0-2 only: row 3 (count 1000, proto udp) must not move the scaling.
	p, err := FitPipeline(tab, []int{0, 1, 2}, false)
	if err != nil {
		t.Fatal(err)
	}
	// count: log1p of 0, 3, 7 = 0, ln 4, ln 8; mean ln(32)/3, population std.
	l4, l8 := math.Log(4), math.Log(8)
	mean := (l4 + l8) / 3
	std := math.Sqrt((mean*mean + (l4-mean)*(l4-mean) + (l8-mean)*(l8-mean)) / 3)
	rmean := (0.5 + 0.25 + 1) / 3
	rstd := math.Sqrt(((0.5-rmean)*(0.5-rmean) + (0.25-rmean)*(0.25-rmean) + (1-rmean)*(1-rmean)) / 3)
	fmean, fstd := 1.0/3, math.Sqrt(2.0/9)
	want := []NumericColumn{
		{Name: "count", Log: true, Mean: mean, Std: std},
		{Name: "rate", Log: false, Mean: rmean, Std: rstd},
		{Name: "flagged", Log: false, Mean: fmean, Std: fstd},
	}
	for j, w := range want {
		g := p.Numeric[j]
		if g.Name != w.Name || g.Log != w.Log || math.Abs(g.Mean-w.Mean) > 1e-12 || math.Abs(g.Std-w.Std) > 1e-12 {
			t.Errorf("column %d: got %+v, want %+v", j, g, w)
		}
	}
	// Levels: only those of the fitted rows, sorted.
	if got := p.Categorical[0].Levels; !slices.Equal(got, []string{"icmp", "tcp"}) {
		t.Errorf("proto levels %v, want [icmp tcp] (udp only occurs in the unfitted row)", got)
	}
	if got := p.Categorical[1].Levels; !slices.Equal(got, []string{"ftp", "http", "smtp"}) {
		t.Errorf("service levels %v", got)
	}
	x, err := p.Encode(tab)
	if err != nil {
		t.Fatal(err)
	}
	if p.Width() != 5 || len(x) != 4*5 {
		t.Fatalf("width %d, %d values", p.Width(), len(x))
	}
	// Row 3: count 1000 -> (log1p(1000) - mean)/std; proto udp unseen -> id 2 (= len(levels)); service http -> 1.
	wantRow3 := []float64{(math.Log1p(1000) - mean) / std, (0 - rmean) / rstd, (1 - fmean) / fstd, 2, 1}
	for j, w := range wantRow3 {
		if math.Abs(float64(x[15+j])-w) > 1e-5 {
			t.Errorf("row 3 column %d: got %v, want %v", j, x[15+j], w)
		}
	}
	// Row 1: proto icmp -> 0, service smtp -> 2.
	if x[5+3] != 0 || x[5+4] != 2 {
		t.Errorf("row 1 ids %v, want [0 2]", x[8:10])
	}
	if v := p.Vocab(); !slices.Equal(v, []int{3, 4}) {
		t.Errorf("vocab %v, want [3 4]", v)
	}
	// One-hot: 3 numeric + 2 proto + 3 service; unseen udp has no indicator.
	oh := p.OneHot(x)
	if p.OneHotWidth() != 8 {
		t.Fatalf("one-hot width %d", p.OneHotWidth())
	}
	if got := oh[3*8+3 : 4*8]; !slices.Equal(got, []float32{0, 0, 0, 1, 0}) {
		t.Errorf("row 3 indicators %v, want [0 0 0 1 0]", got)
	}
	if got := oh[1*8+3 : 2*8]; !slices.Equal(got, []float32{1, 0, 0, 0, 1}) {
		t.Errorf("row 1 indicators %v, want [1 0 0 0 1]", got)
	}
}

func TestPipelineNoLogAndConstant(t *testing.T) {
	tab := handTable()
	p, err := FitPipeline(tab, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if p.Numeric[0].Log {
		t.Error("noLog: count is log-scaled")
	}
	tab.Numeric = []float64{5, 0, 0, 5, 0, 0, 5, 0, 0, 5, 0, 0}
	p, err = FitPipeline(tab, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Numeric {
		if c.Std != 1 {
			t.Errorf("constant column %s: std %v, want 1", c.Name, c.Std)
		}
	}
}

func TestPipelineColumnsByName(t *testing.T) {
	tab := handTable()
	p, err := FitPipeline(tab, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	want, err := p.Encode(tab)
	if err != nil {
		t.Fatal(err)
	}
	// The same records with the columns and level order permuted.
	perm := &data.Table{
		NumericNames:     []string{"flagged", "count", "rate"},
		CategoricalNames: []string{"service", "proto"},
		Levels:           [][]string{{"smtp", "http", "ftp"}, {"udp", "tcp", "icmp"}},
		Attack:           tab.Attack, Category: tab.Category, Difficulty: tab.Difficulty,
	}
	for r := range tab.Len() {
		n := tab.NumericRow(r)
		perm.Numeric = append(perm.Numeric, n[2], n[0], n[1])
		c := tab.CategoricalRow(r)
		perm.Categorical = append(perm.Categorical, 2-c[1], 2-c[0])
	}
	got, err := p.Encode(perm)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("permuted columns encode to %v, want %v", got, want)
	}
	perm.NumericNames[0] = "other"
	if _, err := p.Encode(perm); err == nil {
		t.Error("a missing column encoded without error")
	}
}

func TestTableOfRecords(t *testing.T) {
	recs := []Record{
		{Numeric: map[string]float64{"src_bytes": 100, "count": 2}, Categorical: map[string]string{"protocol_type": "tcp", "service": "http", "flag": "SF"}},
		{Numeric: map[string]float64{"duration": 3}, Categorical: map[string]string{"protocol_type": "udp"}},
	}
	tab, err := TableOf(recs)
	if err != nil {
		t.Fatal(err)
	}
	if tab.Len() != 2 || len(tab.NumericNames) != 38 || len(tab.CategoricalNames) != 3 {
		t.Fatalf("table of %d rows, %d numeric, %d categorical", tab.Len(), len(tab.NumericNames), len(tab.CategoricalNames))
	}
	col := func(name string) int { return slices.Index(tab.NumericNames, name) }
	if v := tab.NumericRow(0)[col("src_bytes")]; v != 100 {
		t.Errorf("src_bytes %v", v)
	}
	if v := tab.NumericRow(1)[col("duration")]; v != 3 {
		t.Errorf("duration %v", v)
	}
	c1 := tab.CategoricalRow(1)
	if tab.Levels[0][c1[0]] != "udp" || c1[1] != -1 || c1[2] != -1 {
		t.Errorf("row 1 categorical %v levels %v", c1, tab.Levels)
	}
	if _, err := TableOf([]Record{{Numeric: map[string]float64{"bogus": 1}}}); err == nil {
		t.Error("unknown field accepted")
	}
	if _, err := TableOf([]Record{{Numeric: map[string]float64{"count": math.NaN()}}}); err == nil {
		t.Error("NaN accepted")
	}
}
