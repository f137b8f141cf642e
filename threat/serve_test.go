package threat

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/contrast-ml/contrast/data"
	"github.com/contrast-ml/contrast/server"
)

// recordJSON writes r as the flat JSON object DecodeRecord reads.
func recordJSON(t testing.TB, r Record) json.RawMessage {
	t.Helper()
	m := map[string]any{}
	for k, v := range r.Numeric {
		m[k] = v
	}
	for k, v := range r.Categorical {
		m[k] = v
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tableRecords returns t's rows as Records, every field named.
func tableRecords(t *data.Table) []Record {
	recs := make([]Record, t.Len())
	kn, kc := len(t.NumericNames), len(t.CategoricalNames)
	for i := range recs {
		r := Record{Numeric: map[string]float64{}, Categorical: map[string]string{}}
		for j, name := range t.NumericNames {
			r.Numeric[name] = t.Numeric[i*kn+j]
		}
		for j, name := range t.CategoricalNames {
			r.Categorical[name] = t.Levels[j][t.Categorical[i*kc+j]]
		}
		recs[i] = r
	}
	return recs
}

func TestDecodeRecord(t *testing.T) {
	okCases := []struct {
		name, in string
		want     Record
	}{
		{"categorical only", `{"protocol_type":"tcp","service":"http","flag":"SF"}`,
			Record{Numeric: map[string]float64{}, Categorical: map[string]string{"protocol_type": "tcp", "service": "http", "flag": "SF"}}},
		// harvest is a KDD service that KDDTrain+_20Percent lacks: a model
		// scores it as an unseen level.
		{"numbers and an unseen service", ` {"src_bytes": 181, "flag":"S0", "serror_rate": 1, "service":"harvest", "duration":0.5e1, "protocol_type":"udp", "count": 0} `,
			Record{Numeric: map[string]float64{"src_bytes": 181, "serror_rate": 1, "duration": 5, "count": 0},
				Categorical: map[string]string{"protocol_type": "udp", "service": "harvest", "flag": "S0"}}},
		{"largest value", `{"protocol_type":"tcp","service":"http","flag":"SF","dst_bytes":1e15}`,
			Record{Numeric: map[string]float64{"dst_bytes": 1e15}, Categorical: map[string]string{"protocol_type": "tcp", "service": "http", "flag": "SF"}}},
	}
	for _, c := range okCases {
		t.Run(c.name, func(t *testing.T) {
			got, err := DecodeRecord([]byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
		})
	}
	const cat = `"protocol_type":"tcp","service":"http","flag":"SF"`
	badCases := []struct{ name, in, mention string }{
		{"empty", ``, "JSON object"},
		{"array", `[1]`, "JSON object"},
		{"string", `"tcp"`, "JSON object"},
		{"null", `null`, "JSON object"},
		{"unknown field", `{` + cat + `,"src_bytez":1}`, `"src_bytez"`},
		{"label is not a feature", `{` + cat + `,"attack":"neptune"}`, `"attack"`},
		{"repeated field", `{` + cat + `,"count":1,"count":2}`, `"count" appears twice`},
		{"number as string", `{` + cat + `,"src_bytes":"181"}`, `"src_bytes": want a number, got a string`},
		{"categorical as number", `{"protocol_type":"tcp","service":80,"flag":"SF"}`, `"service": want a string, got a number`},
		{"boolean", `{` + cat + `,"land":true}`, `"land": want a number, got a boolean`},
		{"null value", `{` + cat + `,"land":null}`, `"land": want a number, got null`},
		{"nested", `{` + cat + `,"count":[1]}`, `"count": want a number, got an array`},
		{"NaN", `{` + cat + `,"count":NaN}`, "invalid JSON"},
		{"overflow", `{` + cat + `,"count":1e400}`, "not a finite number"},
		{"negative", `{` + cat + `,"duration":-1}`, "outside [0, 1e+15]"},
		{"too large", `{` + cat + `,"src_bytes":2e15}`, "outside [0, 1e+15]"},
		{"rate above 1", `{` + cat + `,"serror_rate":1.5}`, "outside [0, 1]"},
		{"missing flag", `{"protocol_type":"tcp","service":"http"}`, `missing field "flag"`},
		{"empty service", `{"protocol_type":"tcp","service":"","flag":"SF"}`, "non-empty"},
		{"long service", `{"protocol_type":"tcp","service":"` + strings.Repeat("x", 257) + `","flag":"SF"}`, "at most 256"},
		{"not a protocol", `{"protocol_type":"tpc","service":"http","flag":"SF"}`, `"protocol_type": "tpc" is not one of NSL-KDD's values (icmp, tcp, udp)`},
		{"not a flag", `{"protocol_type":"tcp","service":"http","flag":"XX"}`, `"flag": "XX" is not one of`},
		{"not a service", `{"protocol_type":"tcp","service":"htttp","flag":"SF"}`, `"service": "htttp" is not one of NSL-KDD's values (71 names`},
		{"truncated", `{` + cat + `,"count":1`, "invalid JSON"},
		{"trailing data", `{` + cat + `} {}`, "data after"},
		{"missing colon", `{"count" 1}`, "invalid JSON"},
	}
	for _, c := range badCases {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeRecord([]byte(c.in))
			if err == nil || !strings.Contains(err.Error(), c.mention) {
				t.Fatalf("error %v, want one mentioning %q", err, c.mention)
			}
		})
	}
	// DecodeRecords names the record and wraps server.ErrBadInput.
	_, err := DecodeRecords([]json.RawMessage{json.RawMessage(`{` + cat + `}`), json.RawMessage(`{` + cat + `,"x":1}`)})
	var ie *server.InputError
	if !errors.Is(err, server.ErrBadInput) || !errors.As(err, &ie) || ie.Index != 1 {
		t.Fatalf("DecodeRecords error %v: want an InputError for record 1", err)
	}
}

// FuzzDecodeRecord: DecodeRecord never panics, what it accepts is in range,
// and writing it back as JSON decodes to the same record.
func FuzzDecodeRecord(f *testing.F) {
	for _, s := range []string{
		`{"protocol_type":"tcp","service":"http","flag":"SF","src_bytes":181,"serror_rate":0.5}`,
		`{"protocol_type":"icmp","service":"eco_i","flag":"SF","count":1e15}`,
		`{"count":1,"count":2}`, `{"service":{"a":1}}`, `[]`, `{"flag":"SF"} x`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := DecodeRecord(b)
		if err != nil {
			return
		}
		for name, v := range r.Numeric {
			if !(v >= 0 && v <= MaxFieldValue) || (strings.HasSuffix(name, "_rate") && v > 1) {
				t.Fatalf("accepted %s = %v", name, v)
			}
		}
		if len(r.Categorical) != 3 {
			t.Fatalf("accepted categorical fields %v", r.Categorical)
		}
		back, err := DecodeRecord(recordJSON(t, r))
		if err != nil || !reflect.DeepEqual(back, r) {
			t.Fatalf("round trip of %+v: %+v, %v", r, back, err)
		}
		if _, err := TableOf([]Record{r}); err != nil {
			t.Fatalf("accepted record does not lay out: %v", err)
		}
	})
}

// TestServedMatchesModel checks the server adapter against the model used
// directly: the synthetic training file sent as JSON records embeds and
// scores as the table read from the file does, row for row.
func TestServedMatchesModel(t *testing.T) {
	_, m := trainTiny(t)
	tab, err := data.ReadNSLKDD(synthFile)
	if err != nil {
		t.Fatal(err)
	}
	recs := tableRecords(tab)
	inputs := make([]json.RawMessage, len(recs))
	for i, r := range recs {
		inputs[i] = recordJSON(t, r)
	}
	s := NewServed(m)
	if info := s.Info(); info.Name != "threat" || info.Modality != "tabular" || info.Dim != m.Classifier.Dim || info.Input == "" {
		t.Fatalf("info %+v", info)
	}
	ctx := context.Background()

	got, err := s.Embed(ctx, inputs)
	if err != nil {
		t.Fatal(err)
	}
	want, dim, err := m.Embed(tab)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != tab.Len() {
		t.Fatalf("%d embeddings for %d records", len(got), tab.Len())
	}
	for i, v := range got {
		if len(v) != dim {
			t.Fatalf("embedding %d of dimension %d, want %d", i, len(v), dim)
		}
		for j := range v {
			if math.Abs(float64(v[j]-want[i*dim+j])) > 1e-5 {
				t.Fatalf("embedding %d differs at %d: %v vs %v", i, j, v[j], want[i*dim+j])
			}
		}
	}

	verdicts, err := s.Score(ctx, inputs)
	if err != nil {
		t.Fatal(err)
	}
	scores, err := m.Score(tab)
	if err != nil {
		t.Fatal(err)
	}
	correct := 0
	for i, vv := range verdicts {
		v := vv.(Verdict)
		w := m.Verdict(scores[i])
		if v.Category != w.Category || v.IsAttack != w.IsAttack || v.Novel != w.Novel || math.Abs(v.Anomaly-w.Anomaly) > 1e-5 {
			t.Fatalf("record %d: served %+v, model %+v", i, v, w)
		}
		// The verdict is consistent with itself.
		sum := 0.0
		for _, p := range v.Probs {
			sum += p
		}
		if v.Novel != (v.Anomaly > v.Threshold) || v.IsAttack != (v.Category != "normal") || len(v.Probs) != Classes || math.Abs(sum-1) > 1e-9 {
			t.Fatalf("record %d: inconsistent verdict %+v", i, v)
		}
		if v.IsAttack == (tab.Category[i] != data.CategoryNormal) {
			correct++
		}
	}
	// The model was trained on these records: rows kept in order score right.
	if acc := float64(correct) / float64(len(verdicts)); acc < 0.9 {
		t.Fatalf("binary accuracy %.3f on the training records, want >= 0.9", acc)
	}

	// A bad record is the client's error, named by position.
	bad := append([]json.RawMessage{inputs[0], inputs[1]}, json.RawMessage(`{"protocol_type":"tcp","service":"http","flag":"SF","count":"many"}`))
	for name, call := range map[string]func() error{
		"embed": func() error { _, err := s.Embed(ctx, bad); return err },
		"score": func() error { _, err := s.Score(ctx, bad); return err },
	} {
		var ie *server.InputError
		if err := call(); !errors.Is(err, server.ErrBadInput) || !errors.As(err, &ie) || ie.Index != 2 {
			t.Errorf("%s of a bad record: %v", name, err)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Score(cctx, inputs[:1]); !errors.Is(err, context.Canceled) {
		t.Errorf("score after cancel: %v", err)
	}
}

// TestServedCaptures scores the connections of the shipped captures (dpkt's
// and gopacket's) through JSON, as a client of the server would send them:
// each flow's record survives the round trip and scores as ScoreFlows does.
func TestServedCaptures(t *testing.T) {
	_, m := trainTiny(t)
	s := NewServed(m)
	for _, name := range []string{"http.pcap", "dns_icmp.pcap", "test_dns.pcap"} {
		t.Run(name, func(t *testing.T) {
			flows, err := ReadPcap(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			if len(flows) == 0 {
				t.Fatal("no flows")
			}
			inputs := make([]json.RawMessage, len(flows))
			for i := range flows {
				inputs[i] = recordJSON(t, flows[i].Record())
				back, err := DecodeRecord(inputs[i])
				if err != nil || !reflect.DeepEqual(back, flows[i].Record()) {
					t.Fatalf("flow %d: record %+v round-trips to %+v, %v", i, flows[i].Record(), back, err)
				}
			}
			got, err := s.Score(context.Background(), inputs)
			if err != nil {
				t.Fatal(err)
			}
			want, err := m.ScoreFlows(flows)
			if err != nil {
				t.Fatal(err)
			}
			for i := range want {
				if w := m.Verdict(want[i]); !reflect.DeepEqual(got[i], w) {
					t.Fatalf("flow %d: served %+v, ScoreFlows %+v", i, got[i], w)
				}
			}
			raw, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			whole, err := s.ScoreCapture(context.Background(), raw, len(flows))
			if err != nil {
				t.Fatal(err)
			}
			for i := range want {
				if w := (FlowVerdict{Flow: flows[i].Summary(), Verdict: m.Verdict(want[i])}); !reflect.DeepEqual(whole[i], w) {
					t.Fatalf("flow %d of the capture: served %+v, ScoreFlows %+v", i, whole[i], w)
				}
			}
			if len(whole) != len(want) {
				t.Fatalf("%d verdicts for the capture's %d flows", len(whole), len(want))
			}
		})
	}
	for _, bad := range [][]byte{[]byte("GET / HTTP/1.1\r\n"), {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0}} {
		if _, err := s.ScoreCapture(context.Background(), bad, 10); !errors.Is(err, server.ErrBadInput) {
			t.Errorf("capture %q: error %v, want a bad input", bad, err)
		}
	}
	raw, err := os.ReadFile(filepath.Join("testdata", "dns_icmp.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	var e *server.Error
	if _, err := s.ScoreCapture(context.Background(), raw, 16); !errors.As(err, &e) || e.Code != server.CodeTooLarge || !strings.Contains(e.Message, "17 connections") {
		t.Errorf("17 connections against a limit of 16: error %v, want too large", err)
	}
}

// TestServedConcurrent embeds and scores from several goroutines at once
// (run with -race, this checks the adapter's locking): every call gives the
// same answer as a lone call.
func TestServedConcurrent(t *testing.T) {
	_, m := trainTiny(t)
	s := NewServed(m)
	in := []json.RawMessage{
		json.RawMessage(`{"protocol_type":"tcp","service":"http","flag":"SF","src_bytes":200,"dst_bytes":3000,"logged_in":1}`),
		json.RawMessage(`{"protocol_type":"tcp","service":"private","flag":"S0","count":200,"serror_rate":1}`),
	}
	ctx := context.Background()
	wantE, err := s.Embed(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	wantS, err := s.Score(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 4 {
		wg.Go(func() {
			e, err := s.Embed(ctx, in)
			if err != nil || !reflect.DeepEqual(e, wantE) {
				errs <- errors.New("concurrent embed differs")
			}
		})
		wg.Go(func() {
			sc, err := s.Score(ctx, in)
			if err != nil || !reflect.DeepEqual(sc, wantS) {
				errs <- errors.New("concurrent score differs")
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// TestVerdict checks Verdict's fields against a hand-made Score.
func TestVerdict(t *testing.T) {
	s := Score{Category: data.CategoryProbe, Attack: true, Head: data.CategoryNormal, KNN: data.CategoryDoS,
		Probs: [Classes]float64{0.5, 0.1, 0.3, 0.05, 0.05}, Anomaly: 2.5, Novel: true, InputAnomaly: 0.7}
	m := &Model{Threshold: 1.5}
	want := Verdict{Anomaly: 2.5, Threshold: 1.5, Novel: true, IsAttack: true, Category: "probe", Head: "normal", KNN: "dos",
		Probs: map[string]float64{"normal": 0.5, "dos": 0.1, "probe": 0.3, "r2l": 0.05, "u2r": 0.05}}
	if got := m.Verdict(s); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	// Score.Anomaly is already the score the threshold applies to (input-space
	// for InputKNN; see anomalyScore): Verdict reports it as it is.
	m.InputKNN = true
	if got := m.Verdict(s); !reflect.DeepEqual(got, want) {
		t.Fatalf("InputKNN: got %+v, want %+v", got, want)
	}
	b, _ := json.Marshal(want)
	for _, key := range []string{`"anomaly":`, `"threshold":`, `"is_attack":true`, `"category":"probe"`, `"probs":{`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("JSON %s lacks %s", b, key)
		}
	}
}
