package data

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// MSRP pair labels.
const (
	LabelParaphrase    = "paraphrase"
	LabelNonParaphrase = "non-paraphrase"
)

// ReadMSRP reads the Microsoft Research Paraphrase Corpus (Dolan & Brockett
// 2005, "Automatically Constructing a Corpus of Sentential Paraphrases",
// IWP): TSV "Quality, #1 ID, #2 ID, #1 String, #2 String" with an optional
// header line. Score is the quality 0 or 1, Label LabelParaphrase or
// LabelNonParaphrase, Source the file name without extension.
func ReadMSRP(path string) (*ScoredPairs, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: read %q: %w", path, err)
	}
	defer f.Close()
	return DecodeMSRP(f, path)
}

// DecodeMSRP is ReadMSRP on a stream; name is used in errors and as Source.
func DecodeMSRP(r io.Reader, name string) (*ScoredPairs, error) {
	sc := newLineScanner(r, name)
	src := sourceName(name)
	out := &ScoredPairs{ScoreMin: 0, ScoreMax: 1}
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := splitFields(line)
		if sc.Line() == 1 && strings.EqualFold(strings.TrimSpace(f[0]), "Quality") {
			continue // header
		}
		if len(f) != 5 {
			return nil, lineErr(name, sc.Line(), "%d tab-separated fields, want 5 (Quality, #1 ID, #2 ID, #1 String, #2 String)", len(f))
		}
		p := Pair{A: f[3], B: f[4], Source: src}
		switch strings.TrimSpace(f[0]) {
		case "1":
			p.Score, p.Label = 1, LabelParaphrase
		case "0":
			p.Score, p.Label = 0, LabelNonParaphrase
		default:
			return nil, lineErr(name, sc.Line(), "quality %q, want 0 or 1", f[0])
		}
		out.Pairs = append(out.Pairs, p)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
