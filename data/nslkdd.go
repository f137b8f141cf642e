package data

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Field is one NSL-KDD feature column as FieldNames.csv describes it.
type Field struct {
	Name     string
	Symbolic bool // categorical (protocol_type, service, flag); otherwise numeric ("continuous")
}

// NSLKDDSchema gives the feature columns and the attack -> category map used
// to read NSL-KDD records.
type NSLKDDSchema struct {
	Fields     []Field             // the 41 features, in file order
	Categories map[string]Category // attack name -> category; "normal" -> CategoryNormal
}

// nslkddFields are the 41 feature names of KDD Cup 1999 / NSL-KDD; the three
// symbolic ones are protocol_type, service and flag.
var nslkddFields = strings.Fields(`duration protocol_type service flag src_bytes dst_bytes land
wrong_fragment urgent hot num_failed_logins logged_in num_compromised root_shell su_attempted
num_root num_file_creations num_shells num_access_files num_outbound_cmds is_host_login
is_guest_login count srv_count serror_rate srv_serror_rate rerror_rate srv_rerror_rate
same_srv_rate diff_srv_rate srv_diff_host_rate dst_host_count dst_host_srv_count
dst_host_same_srv_rate dst_host_diff_srv_rate dst_host_same_src_port_rate
dst_host_srv_diff_host_rate dst_host_serror_rate dst_host_srv_serror_rate dst_host_rerror_rate
dst_host_srv_rerror_rate`)

// nslkddCategories: the 22 training attacks (as AttackTypes.csv lists them)
// and the 17 attacks that occur only in KDDTest+, with the categories of the
// DARPA 1998/1999 intrusion-detection evaluations as they are commonly used
// with NSL-KDD.
var nslkddCategories = map[string]Category{
	"normal": CategoryNormal,
	// dos
	"back": CategoryDoS, "land": CategoryDoS, "neptune": CategoryDoS, "pod": CategoryDoS, "smurf": CategoryDoS,
	"teardrop": CategoryDoS, "apache2": CategoryDoS, "mailbomb": CategoryDoS, "processtable": CategoryDoS, "udpstorm": CategoryDoS,
	// probe
	"ipsweep": CategoryProbe, "nmap": CategoryProbe, "portsweep": CategoryProbe, "satan": CategoryProbe,
	"mscan": CategoryProbe, "saint": CategoryProbe,
	// r2l
	"ftp_write": CategoryR2L, "guess_passwd": CategoryR2L, "imap": CategoryR2L, "multihop": CategoryR2L, "phf": CategoryR2L,
	"spy": CategoryR2L, "warezclient": CategoryR2L, "warezmaster": CategoryR2L, "named": CategoryR2L, "sendmail": CategoryR2L,
	"snmpgetattack": CategoryR2L, "snmpguess": CategoryR2L, "worm": CategoryR2L, "xlock": CategoryR2L, "xsnoop": CategoryR2L,
	// u2r
	"buffer_overflow": CategoryU2R, "loadmodule": CategoryU2R, "perl": CategoryU2R, "rootkit": CategoryU2R,
	"httptunnel": CategoryU2R, "ps": CategoryU2R, "sqlattack": CategoryU2R, "xterm": CategoryU2R,
}

// DefaultNSLKDDSchema returns the standard 41 fields and the built-in attack
// categories (including the attacks found only in KDDTest+, which
// AttackTypes.csv does not list).
func DefaultNSLKDDSchema() NSLKDDSchema {
	f := make([]Field, len(nslkddFields))
	for i, n := range nslkddFields {
		f[i] = Field{Name: n, Symbolic: n == "protocol_type" || n == "service" || n == "flag"}
	}
	return NSLKDDSchema{Fields: f, Categories: maps.Clone(nslkddCategories)}
}

// ReadNSLKDDSchema reads FieldNames.csv and AttackTypes.csv from dir. A missing
// file leaves that part of DefaultNSLKDDSchema in place; the categories of
// AttackTypes.csv override and extend the built-in ones.
func ReadNSLKDDSchema(dir string) (NSLKDDSchema, error) {
	s := DefaultNSLKDDSchema()
	if f, err := os.Open(filepath.Join(dir, "FieldNames.csv")); err == nil {
		fields, err := DecodeFieldNames(f, f.Name())
		f.Close()
		if err != nil {
			return s, err
		}
		s.Fields = fields
	} else if !errors.Is(err, fs.ErrNotExist) {
		return s, fmt.Errorf("data: nslkdd: %w", err)
	}
	if f, err := os.Open(filepath.Join(dir, "AttackTypes.csv")); err == nil {
		cats, err := DecodeAttackTypes(f, f.Name())
		f.Close()
		if err != nil {
			return s, err
		}
		maps.Copy(s.Categories, cats)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return s, fmt.Errorf("data: nslkdd: %w", err)
	}
	return s, nil
}

// DecodeFieldNames reads FieldNames.csv: one "name,continuous|symbolic" line
// per feature.
func DecodeFieldNames(r io.Reader, name string) ([]Field, error) {
	sc := newLineScanner(r, name)
	var fields []Field
	seen := map[string]bool{}
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		n, kind, ok := strings.Cut(line, ",")
		n, kind = strings.TrimSpace(n), strings.TrimSpace(kind)
		if !ok || n == "" {
			return nil, lineErr(name, sc.Line(), "want \"name,continuous\" or \"name,symbolic\", got %q", line)
		}
		if seen[n] {
			return nil, lineErr(name, sc.Line(), "field %q named twice", n)
		}
		seen[n] = true
		switch strings.ToLower(kind) {
		case "continuous":
			fields = append(fields, Field{Name: n})
		case "symbolic":
			fields = append(fields, Field{Name: n, Symbolic: true})
		default:
			return nil, lineErr(name, sc.Line(), "field %q has type %q, want continuous or symbolic", n, kind)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		return nil, lineErr(name, 1, "no fields")
	}
	return fields, nil
}

// DecodeAttackTypes reads AttackTypes.csv: one "attack,category" line per
// attack (any line ending, including the lone CR of the shipped file).
func DecodeAttackTypes(r io.Reader, name string) (map[string]Category, error) {
	sc := newLineScanner(r, name)
	m := map[string]Category{}
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		a, c, ok := strings.Cut(line, ",")
		a = strings.TrimSpace(a)
		if !ok || a == "" {
			return nil, lineErr(name, sc.Line(), "want \"attack,category\", got %q", line)
		}
		cat, err := ParseCategory(c)
		if err != nil {
			return nil, lineErr(name, sc.Line(), "%v", err)
		}
		m[a] = cat
	}
	return m, sc.Err()
}

// NSLKDDMax bounds every numeric NSL-KDD field: far above any value of the
// data (src_bytes peaks near 1.4e9) and small enough that no scaling of it
// overflows float32.
const NSLKDDMax = 1e15

// NSLKDDRange is the interval that the values of the numeric NSL-KDD field
// name lie in: the rates (names ending in _rate) in [0, 1], every count, size
// and flag in [0, NSLKDDMax]. Files and JSON records are held to it alike.
func NSLKDDRange(name string) (lo, hi float64) {
	if strings.HasSuffix(name, "_rate") {
		return 0, 1
	}
	return 0, NSLKDDMax
}

// ReadNSLKDD reads an NSL-KDD file (KDDTrain+.txt, KDDTrain+_20Percent.txt,
// KDDTest+.txt, ...) with the schema of the FieldNames.csv and AttackTypes.csv
// beside it (built-in defaults where they are absent).
func ReadNSLKDD(path string) (*Table, error) {
	schema, err := ReadNSLKDDSchema(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: read %q: %w", path, err)
	}
	defer f.Close()
	return DecodeNSLKDD(f, path, schema)
}

// DecodeNSLKDD reads comma-separated records without header: the schema's
// features, then the attack label, then (NSL-KDD) the difficulty level. A
// label's trailing "." (KDD Cup 1999 files) is dropped; records without the
// difficulty get -1. Numeric fields must be finite numbers in their
// NSLKDDRange, and the file must hold a record. Attacks missing from
// schema.Categories get CategoryUnknown.
func DecodeNSLKDD(r io.Reader, name string, schema NSLKDDSchema) (*Table, error) {
	if len(schema.Fields) == 0 {
		return nil, fmt.Errorf("data: nslkdd: %s: empty schema", name)
	}
	t := &Table{}
	var numCol, catCol []int
	for i, f := range schema.Fields {
		if f.Symbolic {
			catCol = append(catCol, i)
			t.CategoricalNames = append(t.CategoricalNames, f.Name)
		} else {
			numCol = append(numCol, i)
			t.NumericNames = append(t.NumericNames, f.Name)
		}
	}
	nf := len(schema.Fields)
	ids := make([]map[string]int, len(catCol)) // provisional ids, in order of first appearance
	first := make([][]string, len(catCol))
	for j := range ids {
		ids[j] = map[string]int{}
	}
	sc := newLineScanner(r, name)
	fields := make([]string, 0, nf+2)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		fields = fields[:0]
		for f := range strings.SplitSeq(line, ",") {
			fields = append(fields, strings.TrimSpace(f))
		}
		if len(fields) != nf+2 && len(fields) != nf+1 {
			return nil, lineErr(name, sc.Line(), "%d comma-separated fields, want %d features + label + difficulty (%d)", len(fields), nf, nf+2)
		}
		for _, c := range numCol {
			v, err := strconv.ParseFloat(fields[c], 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, lineErr(name, sc.Line(), "field %d (%s): %q is not a finite number", c+1, schema.Fields[c].Name, fields[c])
			}
			if lo, hi := NSLKDDRange(schema.Fields[c].Name); !(v >= lo && v <= hi) {
				return nil, lineErr(name, sc.Line(), "field %d (%s): %v is outside [%g, %g]", c+1, schema.Fields[c].Name, v, lo, hi)
			}
			t.Numeric = append(t.Numeric, v)
		}
		for j, c := range catCol {
			v := fields[c]
			if v == "" {
				return nil, lineErr(name, sc.Line(), "field %d (%s) is empty", c+1, schema.Fields[c].Name)
			}
			id, ok := ids[j][v]
			if !ok {
				id = len(first[j])
				ids[j][v] = id
				first[j] = append(first[j], v)
			}
			t.Categorical = append(t.Categorical, id)
		}
		label := strings.TrimSuffix(fields[nf], ".")
		if label == "" {
			return nil, lineErr(name, sc.Line(), "field %d (label) is empty", nf+1)
		}
		cat, ok := schema.Categories[label]
		if !ok {
			cat = CategoryUnknown
		}
		diff := -1
		if len(fields) == nf+2 {
			d, err := strconv.Atoi(fields[nf+1])
			if err != nil || d < 0 {
				return nil, lineErr(name, sc.Line(), "field %d (difficulty): %q is not a non-negative integer", nf+2, fields[nf+1])
			}
			diff = d
		}
		t.Attack = append(t.Attack, label)
		t.Category = append(t.Category, cat)
		t.Difficulty = append(t.Difficulty, diff)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(t.Attack) == 0 {
		return nil, fmt.Errorf("data: nslkdd: %s: holds no records", name)
	}
	// Sort each column's levels so that the encoding does not depend on row order.
	t.Levels = make([][]string, len(catCol))
	remap := make([][]int, len(catCol))
	for j := range catCol {
		t.Levels[j] = slices.Clone(first[j])
		slices.Sort(t.Levels[j])
		remap[j] = make([]int, len(first[j]))
		for id, v := range first[j] {
			remap[j][id], _ = slices.BinarySearch(t.Levels[j], v)
		}
	}
	k := len(catCol)
	for i, v := range t.Categorical {
		t.Categorical[i] = remap[i%k][v]
	}
	return t, nil
}

func equalFoldTrim(a, b string) bool { return strings.EqualFold(strings.TrimSpace(a), b) }
