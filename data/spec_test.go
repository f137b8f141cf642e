package data

import (
	"errors"
	"maps"
	"strings"
	"testing"
)

func TestParseSpec(t *testing.T) {
	for _, c := range []struct {
		in   string
		kind Kind
		path string
		opts map[string]string
		str  string
	}{
		{"mnist", KindMNIST, "", nil, "mnist"},
		{" MNIST ", KindMNIST, "", nil, "mnist"},
		{"idx:/data/mnist", KindIDX, "/data/mnist", nil, "idx:/data/mnist"},
		{"images:photos?size=64&channels=1", KindImages, "photos", map[string]string{"size": "64", "channels": "1"}, "images:photos?channels=1&size=64"},
		{"images:C:/x/y?resample=catmullrom", KindImages, "C:/x/y", map[string]string{"resample": "catmullrom"}, "images:C:/x/y?resample=catmullrom"},
		{"sick:data/SICK_train.txt", KindSICK, "data/SICK_train.txt", nil, "sick:data/SICK_train.txt"},
		{"sts:sts/2015", KindSTS, "sts/2015", nil, "sts:sts/2015"},
		{"msrp:m.tsv", KindMSRP, "m.tsv", nil, "msrp:m.tsv"},
		{"pairs:q.jsonl?a=question&b=answer&format=jsonl", KindPairs, "q.jsonl", map[string]string{"a": "question", "b": "answer", "format": "jsonl"}, "pairs:q.jsonl?a=question&b=answer&format=jsonl"},
		{"nslkdd:KDDTest+.txt", KindNSLKDD, "KDDTest+.txt", nil, "nslkdd:KDDTest+.txt"},
		{"movielens:ml", KindMovieLens, "ml", nil, "movielens:ml"},
		{"pcap:x.pcap", KindPcap, "x.pcap", nil, "pcap:x.pcap"},
	} {
		t.Run(c.in, func(t *testing.T) {
			sp, err := ParseSpec(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if sp.Kind != c.kind || sp.Path != c.path || !maps.Equal(sp.Options, c.opts) || sp.String() != c.str {
				t.Fatalf("got %+v (%s)", sp, sp)
			}
			again, err := ParseSpec(sp.String())
			if err != nil || again.String() != sp.String() {
				t.Fatalf("round trip: %+v %v", again, err)
			}
		})
	}
}

func TestParseSpecErrors(t *testing.T) {
	for _, c := range []struct{ in, msg string }{
		{"", `unknown kind ""`},
		{"cifar:x", `unknown kind "cifar"`},
		{"mnist:/x", "takes no path"},
		{"sick", "sick needs a path"},
		{"sick:", "sick needs a path"},
		{"sick:?", "needs a path"},
		{"images: ?size=3", "needs a path"},
		{"sick:a.txt?size=3", "sick takes no options"},
		{"images:d?width=3", `no option "width"`},
		{"images:d?size=0", "not a positive integer"},
		{"images:d?size=5000", "size 5000"},
		{"images:d?channels=2", "channels 2"},
		{"images:d?resample=lanczos", "resample"},
		{"images:d?size=3&size=4", "given 2 times"},
		{"images:d?size=%zz", "options"},
		{"pairs:p.tsv?format=xml", "pairs format"},
		{"pairs:p.tsv?a=", `option "a" is empty`},
	} {
		t.Run(c.in, func(t *testing.T) {
			_, err := ParseSpec(c.in)
			if err == nil || !strings.Contains(err.Error(), c.msg) || !strings.Contains(err.Error(), "accepted forms: mnist | idx:DIR") {
				t.Fatalf("err = %v, want %q and the accepted forms", err, c.msg)
			}
		})
	}
}

func TestKindString(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range append([]Kind{KindUnknown}, kinds...) {
		s := k.String()
		if seen[s] || strings.HasPrefix(s, "Kind(") {
			t.Fatalf("kind %d: %q", int(k), s)
		}
		seen[s] = true
	}
	if Kind(99).String() != "Kind(99)" {
		t.Fatal(Kind(99).String())
	}
}

func TestLoadAndDescribe(t *testing.T) {
	if text, err := Inspect("sick:testdata/sick_sample.txt", 1); err != nil || !strings.Contains(text, "30 sentence pairs") || strings.Contains(text, "#1:") {
		t.Fatalf("Inspect: %v\n%s", err, text)
	}
	for _, c := range []struct {
		spec  string
		len   int
		wants []string
	}{
		{"sick:testdata/sick_sample.txt", 30, []string{"30 sentence pairs", "nominal score range [1, 5]", "labels: ", "NEUTRAL", "#0: score 4.5, label NEUTRAL"}},
		{"sts:testdata/sts", 7, []string{"7 sentence pairs", "skipped (no gold score): 3", "sources: 2014/images.test 3"}},
		{"msrp:testdata/msrp_sample.tsv", 3, []string{"labels: non-paraphrase 1, paraphrase 2"}},
		{"pairs:testdata/pairs.csv?score=relevance", 2, []string{"scores: min 0.5, max 1"}},
		{"pairs:testdata/pairs.jsonl", 2, []string{"2 sentence pairs"}},
		{"nslkdd:testdata/nslkdd/train_sample.txt", 34, []string{"34 records, 38 numeric + 3 categorical", "protocol_type: 3 levels", "categories: normal 14, dos 14, probe 1, r2l 3, u2r 2", "#0: normal (normal), difficulty 20"}},
	} {
		t.Run(c.spec, func(t *testing.T) {
			set, err := LoadString(c.spec)
			if err != nil {
				t.Fatal(err)
			}
			if len(set.Splits) != 1 || set.Splits[0].Name != "all" || set.Splits[0].Len() != c.len {
				t.Fatalf("splits %+v", set.Splits)
			}
			text := Describe(set, 2)
			for _, w := range c.wants {
				if !strings.Contains(text, w) {
					t.Errorf("Describe lacks %q:\n%s", w, text)
				}
			}
		})
	}
	t.Run("typed access", func(t *testing.T) {
		set, err := LoadString("sick:testdata/sick_sample.txt")
		if err != nil {
			t.Fatal(err)
		}
		if p, err := set.Pairs(""); err != nil || p.Len() != 30 {
			t.Fatal(err)
		}
		if _, err := set.Images("all"); err == nil || !strings.Contains(err.Error(), "not images") {
			t.Fatal(err)
		}
		if _, err := set.Table("train"); err == nil || !strings.Contains(err.Error(), `no split "train" (splits: all)`) {
			t.Fatal(err)
		}
	})
	t.Run("not supported", func(t *testing.T) {
		for _, s := range []string{"movielens:x", "pcap:y.pcap"} {
			if _, err := LoadString(s); !errors.Is(err, ErrNotSupported) {
				t.Errorf("%s: %v", s, err)
			}
		}
	})
	t.Run("mnist", func(t *testing.T) {
		text := Describe(testMNIST(t), 1)
		for _, w := range []string{"split train: 60000 images, (C, H, W) = (1, 28, 28), 10 classes", "split test: 10000 images", "#0: label 5 (5)", "@"} {
			if !strings.Contains(text, w) {
				t.Errorf("Describe(mnist) lacks %q:\n%s", w, text)
			}
		}
	})
}

func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"mnist", "idx:d", "images:d?size=3&channels=1", "pairs:x.csv?a=q&b=r", "sts:a?b", "nslkdd:", ":", "images:?"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sp, err := ParseSpec(s)
		if err != nil {
			if !strings.Contains(err.Error(), "accepted forms") {
				t.Fatalf("error %q lacks the accepted forms", err)
			}
			return
		}
		again, err := ParseSpec(sp.String())
		if err != nil || again.Kind != sp.Kind || again.Path != sp.Path || !maps.Equal(again.Options, sp.Options) {
			t.Fatalf("%q -> %+v -> %q -> %+v, %v", s, sp, sp.String(), again, err)
		}
	})
}
