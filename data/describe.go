package data

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Inspect parses spec, loads it and describes it with up to n examples per
// split: the text `contrast data inspect SPEC` prints.
func Inspect(spec string, n int) (string, error) {
	set, err := LoadString(spec)
	if err != nil {
		return "", err
	}
	return Describe(set, n), nil
}

// Describe returns a human-readable summary of set: per split its size,
// shapes, classes or labels with counts, and up to n examples.
func Describe(set *Set, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d split(s)\n", set.Spec, len(set.Splits))
	for _, sp := range set.Splits {
		switch {
		case sp.Images != nil:
			describeImages(&b, sp.Name, sp.Images, n)
		case sp.Pairs != nil:
			describePairs(&b, sp.Name, sp.Pairs, n)
		case sp.Table != nil:
			describeTable(&b, sp.Name, sp.Table, n)
		default:
			fmt.Fprintf(&b, "split %s: empty\n", sp.Name)
		}
	}
	return b.String()
}

func describeImages(b *strings.Builder, name string, im *Images, n int) {
	fmt.Fprintf(b, "split %s: %d images, (C, H, W) = (%d, %d, %d), %d classes\n", name, im.N, im.C, im.H, im.W, im.NumClasses())
	counts := im.ClassCounts()
	parts := make([]string, len(counts))
	for c, k := range counts {
		parts[c] = fmt.Sprintf("%s %d", im.ClassNames[c], k)
	}
	fmt.Fprintf(b, "  classes: %s\n", limitList(parts, 20))
	if len(im.Pix) > 0 {
		var s, s2 float64
		for _, p := range im.Pix {
			v := float64(p) / 255
			s += v
			s2 += v * v
		}
		m := s / float64(len(im.Pix))
		fmt.Fprintf(b, "  pixels in [0, 1]: mean %.4f, std %.4f\n", m, math.Sqrt(max(s2/float64(len(im.Pix))-m*m, 0)))
	}
	for i := range min(n, im.N) {
		fmt.Fprintf(b, "  #%d: label %d (%s)\n", i, im.Labels[i], im.ClassNames[im.Labels[i]])
		if i == 0 && im.H <= 32 && im.W <= 64 {
			asciiArt(b, im, i)
		}
	}
}

// asciiArt draws example i's first channel with ten grey levels.
func asciiArt(b *strings.Builder, im *Images, i int) {
	const ramp = " .:-=+*#%@"
	px := im.Pixels(i)
	for y := range im.H {
		b.WriteString("    |")
		for x := range im.W {
			b.WriteByte(ramp[int(px[y*im.W+x])*len(ramp)/256])
		}
		b.WriteString("|\n")
	}
}

func describePairs(b *strings.Builder, name string, p *ScoredPairs, n int) {
	fmt.Fprintf(b, "split %s: %d sentence pairs", name, p.Len())
	if p.ScoreMin != 0 || p.ScoreMax != 0 {
		fmt.Fprintf(b, ", nominal score range [%g, %g]", p.ScoreMin, p.ScoreMax)
	}
	b.WriteString("\n")
	if p.Len() > 0 {
		sc := p.Scores()
		var s float64
		for _, v := range sc {
			s += v
		}
		fmt.Fprintf(b, "  scores: min %g, max %g, mean %.4f\n", slices.Min(sc), slices.Max(sc), s/float64(len(sc)))
	}
	if p.Skipped > 0 {
		fmt.Fprintf(b, "  skipped (no gold score): %d\n", p.Skipped)
	}
	fmt.Fprintf(b, "  sources: %s\n", countList(p.Len(), func(i int) string { return p.Pairs[i].Source }, byAppearance, 30))
	if labels := p.Labels(); len(labels) > 0 {
		fmt.Fprintf(b, "  labels: %s\n", countList(p.Len(), func(i int) string { return p.Pairs[i].Label }, byName, 20))
	}
	for i := range min(n, p.Len()) {
		q := p.Pairs[i]
		fmt.Fprintf(b, "  #%d: score %g", i, q.Score)
		if q.Label != "" {
			fmt.Fprintf(b, ", label %s", q.Label)
		}
		fmt.Fprintf(b, ", source %s\n      A: %s\n      B: %s\n", q.Source, clip(q.A, 120), clip(q.B, 120))
	}
}

func describeTable(b *strings.Builder, name string, t *Table, n int) {
	fmt.Fprintf(b, "split %s: %d records, %d numeric + %d categorical columns\n", name, t.Len(), len(t.NumericNames), len(t.CategoricalNames))
	for j, c := range t.CategoricalNames {
		fmt.Fprintf(b, "  %s: %d levels: %s\n", c, len(t.Levels[j]), limitList(t.Levels[j], 12))
	}
	cats := make([]string, 0, NumCategories+1)
	cc := map[Category]int{}
	for _, c := range t.Category {
		cc[c]++
	}
	for c := CategoryNormal; c <= CategoryUnknown; c++ {
		if cc[c] > 0 || c < NumCategories {
			cats = append(cats, fmt.Sprintf("%s %d", c, cc[c]))
		}
	}
	fmt.Fprintf(b, "  categories: %s\n", strings.Join(cats, ", "))
	fmt.Fprintf(b, "  attacks: %s\n", countList(t.Len(), func(i int) string { return t.Attack[i] }, byCount, 12))
	if t.Len() > 0 {
		fmt.Fprintf(b, "  difficulty: min %d, max %d\n", slices.Min(t.Difficulty), slices.Max(t.Difficulty))
	}
	for i := range min(n, t.Len()) {
		var cols []string
		for j, v := range t.NumericRow(i) {
			if j == 4 {
				break
			}
			cols = append(cols, fmt.Sprintf("%s=%g", t.NumericNames[j], v))
		}
		for j, v := range t.CategoricalRow(i) {
			lv := "?"
			if v >= 0 {
				lv = t.Levels[j][v]
			}
			cols = append(cols, fmt.Sprintf("%s=%s", t.CategoricalNames[j], lv))
		}
		fmt.Fprintf(b, "  #%d: %s (%s), difficulty %d: %s ...\n", i, t.Attack[i], t.Category[i], t.Difficulty[i], strings.Join(cols, " "))
	}
}

// Orders of countList.
const (
	byAppearance = iota
	byName
	byCount
)

// countList counts the values get(i) for i in [0, n) and lists the first
// limit of them as "value count", in order of first appearance, by name or by
// decreasing count.
func countList(n int, get func(int) string, order int, limit int) string {
	counts := map[string]int{}
	var values []string
	for i := range n {
		v := get(i)
		if _, ok := counts[v]; !ok {
			values = append(values, v)
		}
		counts[v]++
	}
	switch order {
	case byName:
		slices.Sort(values)
	case byCount:
		slices.SortStableFunc(values, func(a, b string) int { return cmp.Compare(counts[b], counts[a]) })
	}
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = fmt.Sprintf("%s %d", v, counts[v])
	}
	return limitList(parts, limit)
}

func limitList(s []string, limit int) string {
	if len(s) > limit {
		return strings.Join(s[:limit], ", ") + fmt.Sprintf(", ... (%d more)", len(s)-limit)
	}
	return strings.Join(s, ", ")
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n-3]) + "..."
	}
	return s
}
