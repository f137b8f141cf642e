package data

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ReadSTS reads SemEval Semantic Textual Similarity data (Agirre et al.
// 2012-2015) from a file or a directory tree:
//
//   - FILE.tsv: one pair per line, "score<TAB>sentence1<TAB>sentence2", no
//     header (the layout of the shared 2012-2015 copies);
//   - STS.input.NAME.txt ("sentence1<TAB>sentence2") with STS.gs.NAME.txt (one
//     score per line) beside it: the original SemEval distribution;
//   - a directory: every *.tsv and STS.input.*.txt file below it, in sorted
//     path order.
//
// Scores must lie in [0, 5]. Rows with an empty score are unscored (most of
// the 2015 test files) and are counted in Skipped, not returned. Source is the
// file's path relative to the directory argument, without extension, e.g.
// "2015/images.test", or the file name for a file argument.
func ReadSTS(path string) (*ScoredPairs, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("data: sts: %w", err)
	}
	out := &ScoredPairs{ScoreMin: 0, ScoreMax: 5}
	if !st.IsDir() {
		if err := readSTSFile(out, path, sourceName(path)); err != nil {
			return nil, err
		}
		return out, nil
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		if strings.HasSuffix(d.Name(), ".tsv") || isSTSInput(d.Name()) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("data: sts: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("data: sts: %s holds no *.tsv or STS.input.*.txt file", path)
	}
	slices.Sort(files)
	for _, f := range files {
		rel, _ := filepath.Rel(path, f)
		src := filepath.ToSlash(strings.TrimSuffix(rel, filepath.Ext(rel)))
		if isSTSInput(filepath.Base(f)) {
			src = filepath.ToSlash(filepath.Join(filepath.Dir(rel), stsInputName(filepath.Base(f))))
		}
		if err := readSTSFile(out, f, src); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func isSTSInput(base string) bool {
	return strings.HasPrefix(base, "STS.input.") && strings.HasSuffix(base, ".txt")
}

func stsInputName(base string) string {
	return strings.TrimSuffix(strings.TrimPrefix(base, "STS.input."), ".txt")
}

func readSTSFile(out *ScoredPairs, path, src string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("data: read %q: %w", path, err)
	}
	defer f.Close()
	if !isSTSInput(filepath.Base(path)) {
		return decodeSTSTSV(out, f, path, src)
	}
	gsPath := filepath.Join(filepath.Dir(path), "STS.gs."+stsInputName(filepath.Base(path))+".txt")
	g, err := os.Open(gsPath)
	if err != nil {
		return fmt.Errorf("data: sts: gold scores for %s: %w", path, err)
	}
	defer g.Close()
	return decodeSTSInputGS(out, f, path, g, gsPath, src)
}

// DecodeSTS reads the three-column STS TSV form from r; name is used in errors
// and as Source.
func DecodeSTS(r io.Reader, name string) (*ScoredPairs, error) {
	out := &ScoredPairs{ScoreMin: 0, ScoreMax: 5}
	if err := decodeSTSTSV(out, r, name, sourceName(name)); err != nil {
		return nil, err
	}
	return out, nil
}

func decodeSTSTSV(out *ScoredPairs, r io.Reader, name, src string) error {
	sc := newLineScanner(r, name)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := splitFields(line)
		if len(f) != 3 {
			return lineErr(name, sc.Line(), "%d tab-separated fields, want 3 (score, sentence1, sentence2)", len(f))
		}
		if strings.TrimSpace(f[0]) == "" {
			out.Skipped++
			continue
		}
		s, err := parseScore(f[0], 0, 5)
		if err != nil {
			return lineErr(name, sc.Line(), "score: %v", err)
		}
		out.Pairs = append(out.Pairs, Pair{A: f[1], B: f[2], Score: s, Source: src})
	}
	return sc.Err()
}

func decodeSTSInputGS(out *ScoredPairs, in io.Reader, inName string, gs io.Reader, gsName, src string) error {
	si, sg := newLineScanner(in, inName), newLineScanner(gs, gsName)
	for si.Scan() {
		if !sg.Scan() {
			if err := sg.Err(); err != nil {
				return err
			}
			return lineErr(gsName, sg.Line()+1, "missing: %s has more lines (%d or more)", inName, si.Line())
		}
		f := splitFields(si.Text())
		if len(f) < 2 {
			return lineErr(inName, si.Line(), "%d tab-separated fields, want 2 (sentence1, sentence2)", len(f))
		}
		score := strings.TrimSpace(sg.Text())
		if score == "" {
			out.Skipped++
			continue
		}
		s, err := parseScore(strings.Fields(score)[0], 0, 5)
		if err != nil {
			return lineErr(gsName, sg.Line(), "score: %v", err)
		}
		out.Pairs = append(out.Pairs, Pair{A: f[0], B: f[1], Score: s, Source: src})
	}
	if err := si.Err(); err != nil {
		return err
	}
	if sg.Scan() && strings.TrimSpace(sg.Text()) != "" {
		return lineErr(gsName, sg.Line(), "extra score: %s has only %d lines", inName, si.Line())
	}
	return sg.Err()
}
