package data

import (
	"fmt"
	"strings"
)

// Set is what Load returns: the named splits of one data source, e.g. "train"
// and "test" for MNIST, a single "all" split for a one-file source.
type Set struct {
	Spec   Spec
	Splits []Split
}

// Split is one part of a Set. Exactly one of Images, Pairs and Table is set.
type Split struct {
	Name   string
	Images *Images
	Pairs  *ScoredPairs
	Table  *Table
}

// Len returns the number of examples of the split.
func (s Split) Len() int {
	switch {
	case s.Images != nil:
		return s.Images.Len()
	case s.Pairs != nil:
		return s.Pairs.Len()
	case s.Table != nil:
		return s.Table.Len()
	}
	return 0
}

// splitNames lists the split names, for errors.
func (s *Set) splitNames() string {
	n := make([]string, len(s.Splits))
	for i, sp := range s.Splits {
		n[i] = sp.Name
	}
	return strings.Join(n, ", ")
}

func (s *Set) get(name string) (Split, error) {
	if len(s.Splits) == 0 {
		return Split{}, fmt.Errorf("data: %s: no splits", s.Spec)
	}
	if name == "" {
		return s.Splits[0], nil
	}
	for _, sp := range s.Splits {
		if sp.Name == name {
			return sp, nil
		}
	}
	return Split{}, fmt.Errorf("data: %s has no split %q (splits: %s)", s.Spec, name, s.splitNames())
}

// Images returns split name (the first split when name is "") as images.
func (s *Set) Images(name string) (*Images, error) {
	sp, err := s.get(name)
	if err == nil && sp.Images == nil {
		err = fmt.Errorf("data: %s: split %q holds %s, not images", s.Spec, sp.Name, sp.kind())
	}
	return sp.Images, err
}

// Pairs returns split name (the first split when name is "") as sentence pairs.
func (s *Set) Pairs(name string) (*ScoredPairs, error) {
	sp, err := s.get(name)
	if err == nil && sp.Pairs == nil {
		err = fmt.Errorf("data: %s: split %q holds %s, not sentence pairs", s.Spec, sp.Name, sp.kind())
	}
	return sp.Pairs, err
}

// Table returns split name (the first split when name is "") as a table.
func (s *Set) Table(name string) (*Table, error) {
	sp, err := s.get(name)
	if err == nil && sp.Table == nil {
		err = fmt.Errorf("data: %s: split %q holds %s, not a table", s.Spec, sp.Name, sp.kind())
	}
	return sp.Table, err
}

func (s Split) kind() string {
	switch {
	case s.Images != nil:
		return "images"
	case s.Pairs != nil:
		return "sentence pairs"
	case s.Table != nil:
		return "a table"
	}
	return "nothing"
}

// Load reads the data source sp names. Images, sick, sts, msrp, pairs and
// nslkdd give one split "all"; mnist and idx give "train" and/or "test".
// movielens and pcap return an error wrapping ErrNotSupported.
func Load(sp Spec) (*Set, error) {
	one := func(s Split, err error) (*Set, error) {
		if err != nil {
			return nil, err
		}
		s.Name = "all"
		return &Set{Spec: sp, Splits: []Split{s}}, nil
	}
	switch sp.Kind {
	case KindMNIST:
		return MNIST()
	case KindIDX:
		set, err := ReadIDXDir(sp.Path)
		if set != nil {
			set.Spec = sp
		}
		return set, err
	case KindImages:
		o, err := sp.imageOptions()
		if err != nil {
			return nil, fmt.Errorf("data: %s: %w", sp, err)
		}
		im, err := ReadImageFolder(sp.Path, o)
		return one(Split{Images: im}, err)
	case KindSICK:
		p, err := ReadSICK(sp.Path)
		return one(Split{Pairs: p}, err)
	case KindSTS:
		p, err := ReadSTS(sp.Path)
		return one(Split{Pairs: p}, err)
	case KindMSRP:
		p, err := ReadMSRP(sp.Path)
		return one(Split{Pairs: p}, err)
	case KindPairs:
		f, err := ParsePairsFormat(sp.Options["format"])
		if err != nil {
			return nil, err
		}
		cols := PairColumns{A: sp.Options["a"], B: sp.Options["b"], Score: sp.Options["score"], Label: sp.Options["label"]}
		p, err := ReadPairsFormat(sp.Path, f, cols)
		return one(Split{Pairs: p}, err)
	case KindNSLKDD:
		t, err := ReadNSLKDD(sp.Path)
		return one(Split{Table: t}, err)
	case KindMovieLens:
		return nil, fmt.Errorf("data: %s: %w: MovieLens is read by a recommend config", sp, ErrNotSupported)
	case KindPcap:
		return nil, fmt.Errorf("data: %s: %w: captures are read by contrast embed with a threat model", sp, ErrNotSupported)
	}
	return nil, fmt.Errorf("data: load: invalid kind %v", sp.Kind)
}

// LoadString parses spec and loads it.
func LoadString(spec string) (*Set, error) {
	sp, err := ParseSpec(spec)
	if err != nil {
		return nil, err
	}
	return Load(sp)
}
