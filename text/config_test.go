package text

import (
	"os"
	"strings"
	"testing"

	"github.com/contrast-ml/contrast/internal/config"
	"github.com/spf13/pflag"
)

// TestExampleConfig loads examples/sts.yaml strictly and checks it validates
// and holds the split of the issue.
func TestExampleConfig(t *testing.T) {
	cfg := Default()
	if err := config.Load("../examples/sts.yaml", &cfg); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(cfg.Train, " ")
	if strings.Contains(joined, "tweet-news") || strings.Contains(joined, "2015") || strings.Contains(joined, "SICK_test") {
		t.Fatalf("validation or test data among the training data: %v", cfg.Train)
	}
	var names []string
	for _, e := range append(cfg.Valid, cfg.Test...) {
		n, _, err := ParseNamedSpec(e)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	if got := strings.Join(names, ","); got != "sts2014_tweet_news,sick_trial,sick_test,sts2015" {
		t.Fatalf("set names %s", got)
	}
}

func TestConfigValidate(t *testing.T) {
	cases := map[string]func(c *Config){
		"no train":        func(c *Config) { c.Train = nil },
		"bad spec":        func(c *Config) { c.Train = []string{"nope:x"} },
		"bad set name":    func(c *Config) { c.Test = []string{"Bad-Name=sick:x"} },
		"dup set name":    func(c *Config) { c.Valid = []string{"a=sick:x", "a=sick:y"} },
		"task":            func(c *Config) { c.Task = "image" },
		"batch":           func(c *Config) { c.Batch = 1 },
		"epochs":          func(c *Config) { c.Epochs = 0 },
		"min count":       func(c *Config) { c.Tokenizer.MinCount = 0 },
		"ngrams":          func(c *Config) { c.Tokenizer.NGramMin = 6 },
		"heads":           func(c *Config) { c.Encoder.Kind, c.Encoder.Heads = Transformer, 3 },
		"dropout":         func(c *Config) { c.Encoder.Dropout = 1 },
		"simcse dropout":  func(c *Config) { c.Loss.Kind = SimCSE },
		"scale":           func(c *Config) { c.Loss.Scale = 0 },
		"lr":              func(c *Config) { c.Optim.LR = 0 },
		"warmup":          func(c *Config) { c.Optim.Warmup = 1 },
		"anchor no glove": func(c *Config) { c.Encoder.Anchor = 1 },
		"hidden no out":   func(c *Config) { c.Encoder.Hidden, c.Encoder.Out = []int{5}, 0 },
		"word decay":      func(c *Config) { c.Optim.WordDecay, c.Optim.SparseWords = 1, false },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			c := Default()
			mutate(&c)
			if c.Validate() == nil {
				t.Fatal("accepted")
			}
		})
	}
	c := Default()
	if err := c.Validate(); err != nil {
		t.Fatalf("default: %v", err)
	}
}

func TestEnumsText(t *testing.T) {
	type enum interface {
		MarshalText() ([]byte, error)
		String() string
	}
	cases := []struct {
		v     enum
		parse func([]byte) error
	}{
		{Transformer, new(EncoderKind).UnmarshalText},
		{SIF, new(Weighting).UnmarshalText},
		{SimCSE, new(Objective).UnmarshalText},
		{InBatchNegatives, new(Objective).UnmarshalText},
		{Tanh, new(Activation).UnmarshalText},
		{AdamW, new(OptimKind).UnmarshalText},
	}
	for _, c := range cases {
		b, _ := c.v.MarshalText()
		if string(b) != c.v.String() || c.parse(b) != nil {
			t.Errorf("%v: marshal %q", c.v, b)
		}
		if c.parse([]byte("no-such")) == nil {
			t.Errorf("%T accepted no-such", c.v)
		}
	}
	var o Objective
	if err := o.UnmarshalText([]byte("MNRL")); err != nil || o != InBatchNegatives {
		t.Fatalf("case-insensitive parse: %v %v", o, err)
	}
	if s := Objective(42).String(); s != "Objective(42)" {
		t.Fatalf("unknown value prints %q", s)
	}
}

// TestFlags checks that every field is a flag and that flags override the file.
func TestFlags(t *testing.T) {
	cfg := Default()
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	config.Bind(fs, &cfg)
	for _, name := range []string{"loss.kind", "encoder.anchor", "glove.path", "optim.sparse_words", "tokenizer.buckets", "valid"} {
		if fs.Lookup(name) == nil {
			t.Fatalf("no flag --%s", name)
		}
	}
	if err := fs.Parse([]string{"--loss.kind=simcse", "--encoder.dropout=0.1", "--epochs=3"}); err != nil {
		t.Fatal(err)
	}
	if cfg.Loss.Kind != SimCSE || cfg.Encoder.Dropout != 0.1 || cfg.Epochs != 3 {
		t.Fatalf("flags not applied: %+v", cfg.Loss)
	}
}

func TestParseNamedSpec(t *testing.T) {
	cases := []struct{ in, name, spec string }{
		{"sick_test=sick:a/SICK_test_annotated.txt", "sick_test", "sick:a/SICK_test_annotated.txt"},
		{"sts:sts/2014/tweet-news.test.tsv", "tweet_news", "sts:sts/2014/tweet-news.test.tsv"},
		{"pairs:x.tsv?a=q&b=r", "x", "pairs:x.tsv?a=q&b=r"},
		{"sts2015=sts:sts/2015", "sts2015", "sts:sts/2015"},
	}
	for _, c := range cases {
		n, s, err := ParseNamedSpec(c.in)
		if err != nil || n != c.name || s != c.spec {
			t.Errorf("ParseNamedSpec(%q) = %q, %q, %v; want %q, %q", c.in, n, s, err, c.name, c.spec)
		}
	}
	if _, _, err := ParseNamedSpec("UPPER=sick:x"); err == nil {
		t.Error("upper-case name accepted")
	}
}

// FuzzConfigYAML: any YAML either fails to load or gives a config whose
// validation does not panic.
func FuzzConfigYAML(f *testing.F) {
	b, err := os.ReadFile("../examples/sts.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(b))
	f.Add("encoder: {kind: transformer, heads: 0}\n")
	f.Add("loss: {kind: nope}\n")
	f.Fuzz(func(t *testing.T, s string) {
		c := Default()
		if config.Decode(strings.NewReader(s), &c) != nil {
			return
		}
		_ = c.Validate()
	})
}
