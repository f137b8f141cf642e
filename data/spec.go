package data

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Kind is the kind of a data source, the part of a spec string before ':'.
type Kind int

const (
	KindUnknown   Kind = iota // the zero value; never returned by ParseSpec
	KindMNIST                 // mnist: MNIST from the Go module cache
	KindIDX                   // idx:DIR with {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]
	KindImages                // images:DIR with one sub-folder per class
	KindSICK                  // sick:FILE
	KindSTS                   // sts:FILE_OR_DIR
	KindMSRP                  // msrp:FILE
	KindPairs                 // pairs:FILE, generic TSV/CSV/JSONL pairs
	KindNSLKDD                // nslkdd:FILE
	KindMovieLens             // movielens:DIR, read by package recommend
	KindPcap                  // pcap:FILE (pcap or pcapng), read by package threat
)

// String returns the kind as spelt in spec strings, e.g. "nslkdd".
func (k Kind) String() string {
	switch k {
	case KindUnknown:
		return "unknown"
	case KindMNIST:
		return "mnist"
	case KindIDX:
		return "idx"
	case KindImages:
		return "images"
	case KindSICK:
		return "sick"
	case KindSTS:
		return "sts"
	case KindMSRP:
		return "msrp"
	case KindPairs:
		return "pairs"
	case KindNSLKDD:
		return "nslkdd"
	case KindMovieLens:
		return "movielens"
	case KindPcap:
		return "pcap"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// kinds lists the kinds ParseSpec accepts, in the order of the help text.
var kinds = []Kind{KindMNIST, KindIDX, KindImages, KindSICK, KindSTS, KindMSRP, KindPairs, KindNSLKDD, KindMovieLens, KindPcap}

// SpecForms is the list of accepted spec forms, for help texts and errors.
const SpecForms = "mnist | idx:DIR | images:DIR[?size=32&channels=3&resample=bilinear|catmullrom] | " +
	"sick:FILE | sts:FILE_OR_DIR | msrp:FILE | " +
	"pairs:FILE[?a=COL&b=COL&score=COL&label=COL&format=tsv|csv|jsonl] | nslkdd:FILE " +
	"| movielens:DIR (recommend configs) | pcap:FILE (threat models: flows from a pcap or pcapng capture)"

// Spec is a parsed data-source string such as "mnist", "sick:data/SICK_train.txt"
// or "images:photos?size=64&channels=1".
type Spec struct {
	Kind    Kind
	Path    string            // file or directory; empty for mnist
	Options map[string]string // validated "?key=value&..." options; nil when none
}

// optionKeys lists the options each kind accepts.
func optionKeys(k Kind) []string {
	switch k {
	case KindImages:
		return []string{"size", "channels", "resample"}
	case KindPairs:
		return []string{"a", "b", "score", "label", "format"}
	}
	return nil
}

// ParseSpec parses a data-source spec string: KIND or KIND:PATH, where PATH may
// end in ?key=value&... options (see SpecForms). Its errors list the accepted
// forms.
func ParseSpec(s string) (Spec, error) {
	bad := func(format string, args ...any) (Spec, error) {
		return Spec{}, fmt.Errorf("data: spec %q: %s; accepted forms: %s", s, fmt.Sprintf(format, args...), SpecForms)
	}
	name, path, hasPath := strings.Cut(strings.TrimSpace(s), ":")
	name = strings.TrimSpace(name)
	var kind Kind
	for _, k := range kinds {
		if strings.EqualFold(name, k.String()) {
			kind = k
		}
	}
	if kind == KindUnknown {
		return bad("unknown kind %q", name)
	}
	sp := Spec{Kind: kind}
	if kind == KindMNIST {
		if hasPath {
			return bad("mnist takes no path (it reads the Go module cache); use idx:DIR for IDX files elsewhere")
		}
		return sp, nil
	}
	if i := strings.LastIndexByte(path, '?'); i >= 0 {
		q, err := url.ParseQuery(path[i+1:])
		if err != nil {
			return bad("options %q: %v", path[i+1:], err)
		}
		path = path[:i]
		allowed := optionKeys(kind)
		for k, v := range q {
			if !slices.Contains(allowed, k) {
				if len(allowed) == 0 {
					return bad("%s takes no options, got %q", kind, k)
				}
				return bad("%s has no option %q (options: %s)", kind, k, strings.Join(allowed, ", "))
			}
			if len(v) != 1 {
				return bad("option %q given %d times", k, len(v))
			}
			if sp.Options == nil {
				sp.Options = map[string]string{}
			}
			sp.Options[k] = v[0]
		}
		if err := sp.checkOptions(); err != nil {
			return bad("%v", err)
		}
	}
	// Spaces around the path are dropped, as around the whole spec.
	if sp.Path = strings.TrimSpace(path); !hasPath || sp.Path == "" {
		return bad("%s needs a path", kind)
	}
	return sp, nil
}

// checkOptions validates option values.
func (s Spec) checkOptions() error {
	switch s.Kind {
	case KindImages:
		_, err := s.imageOptions()
		return err
	case KindPairs:
		for _, k := range []string{"a", "b", "score", "label"} {
			if v, ok := s.Options[k]; ok && v == "" {
				return fmt.Errorf("option %q is empty", k)
			}
		}
		_, err := ParsePairsFormat(s.Options["format"])
		return err
	}
	return nil
}

// imageOptions returns the ImageFolderOptions of an images spec.
func (s Spec) imageOptions() (ImageFolderOptions, error) {
	var o ImageFolderOptions
	atoi := func(key string) (int, error) {
		v, ok := s.Options[key]
		if !ok {
			return 0, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, fmt.Errorf("option %s=%q is not a positive integer", key, v)
		}
		return n, nil
	}
	var err error
	if o.Size, err = atoi("size"); err != nil {
		return o, err
	}
	if o.Channels, err = atoi("channels"); err != nil {
		return o, err
	}
	switch v := strings.ToLower(s.Options["resample"]); v {
	case "", "bilinear":
		o.Resample = Bilinear
	case "catmullrom":
		o.Resample = CatmullRom
	default:
		return o, fmt.Errorf("option resample=%q, want bilinear or catmullrom", v)
	}
	_, err = o.withDefaults()
	return o, err
}

// String returns the spec in the form ParseSpec reads, options sorted by key.
func (s Spec) String() string {
	if s.Kind == KindMNIST {
		return "mnist"
	}
	out := s.Kind.String() + ":" + s.Path
	if len(s.Options) > 0 {
		q := url.Values{}
		for k, v := range s.Options {
			q.Set(k, v)
		}
		out += "?" + q.Encode()
	} else if strings.Contains(s.Path, "?") {
		out += "?" // so that the path's own '?' is not read as the options' start
	}
	return out
}
