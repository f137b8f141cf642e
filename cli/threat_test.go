package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/contrast-ml/contrast/data"
	"github.com/contrast-ml/contrast/internal/npy"
	"github.com/contrast-ml/contrast/server"
	"github.com/contrast-ml/contrast/threat"
	"github.com/spf13/cobra"
)

// threatTestdata is package threat's test data: captures from dpkt and
// gopacket and a synthetic NSL-KDD file (see its README.md).
var threatTestdata = filepath.Join("..", "threat", "testdata")

// trainTinyThreat trains a threat model on the synthetic NSL-KDD file with
// `contrast train` (about 0.3 s) and returns its run directory.
func trainTinyThreat(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	synth, err := filepath.Abs(filepath.Join(threatTestdata, "synthetic-nslkdd.txt"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "tiny.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`task: threat
train: nslkdd:%[1]s
test: nslkdd:%[1]s
features: {embed_dim: 4}
encoder: {hidden: [32], dim: 16, proj: 16}
scarf: {epochs: 1, batch: 64}
supcon: {epochs: 8, batch: 64, lr: 0.003}
novelty: {epochs: 1, hidden: [32], embed_dim: 4, k: 3}
knn: {k: 5}
`, synth)), 0o644)
	run := filepath.Join(dir, "run")
	if _, err := runCLI(t, "train", "--config", cfg, "--out", run, "--quiet"); err != nil {
		t.Fatal(err)
	}
	return run
}

// runCLI runs the command line args and returns what it wrote to stdout.
func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	root := newRoot(args)
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(io.Discard)
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

// readJSONL decodes every line of a JSON Lines file into a new T.
func readJSONL[T any](t *testing.T, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s line %d: %v", path, len(out)+1, err)
		}
		out = append(out, v)
	}
	return out
}

// TestEmbedThreat trains a tiny threat model and embeds a capture and an
// NSL-KDD file with it, checking the .npy and .jsonl files against the
// model used directly: same embeddings, same verdicts, in the same order,
// and each capture line names its connection.
func TestEmbedThreat(t *testing.T) {
	run := trainTinyThreat(t)
	m, err := threat.LoadModel(run)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()

	t.Run("empty capture", func(t *testing.T) {
		empty := filepath.Join(out, "empty.pcap")
		if err := os.WriteFile(empty, pcapHeaderOnly(t), 0o644); err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(out, "empty.jsonl")
		if _, err := runCLI(t, "embed", "--model", run, "--data", "pcap:"+empty, "--out", dst); err == nil || !strings.Contains(err.Error(), "no IP flows") {
			t.Errorf("empty capture: error %v, want one saying it holds no flows", err)
		}
		if _, err := os.Stat(dst); err == nil {
			t.Error("empty capture: an output file was written")
		}
	})

	t.Run("capture cut short", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(threatTestdata, "http.pcap"))
		if err != nil {
			t.Fatal(err)
		}
		cut := filepath.Join(out, "cut.pcap")
		os.WriteFile(cut, b[:20000], 0o644)
		stdout, err := runCLI(t, "embed", "--model", run, "--data", "pcap:"+cut, "--out", filepath.Join(out, "cut.jsonl"))
		if err != nil || !strings.Contains(stdout, "cut.pcap ends inside a packet") {
			t.Errorf("embed of a cut capture: %v, output %q; want a note that it was cut short", err, stdout)
		}
		stdout, err = runCLI(t, "embed", "--model", run, "--data", "pcap:"+filepath.Join(threatTestdata, "http.pcap"), "--out", filepath.Join(out, "whole.jsonl"))
		if err != nil || strings.Contains(stdout, "ends inside a packet") {
			t.Errorf("embed of a whole capture: %v, output %q", err, stdout)
		}
	})

	for _, capture := range []string{"http.pcap", "dns_icmp.pcap", "test_dns.pcap"} {
		t.Run(capture, func(t *testing.T) {
			pcap := filepath.Join(threatTestdata, capture)
			jsonl, npyPath := filepath.Join(out, capture+".jsonl"), filepath.Join(out, capture+".npy")
			for _, dst := range []string{jsonl, npyPath} {
				stdout, err := runCLI(t, "embed", "--model", run, "--data", "pcap:"+pcap, "--out", dst)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(stdout, "flagged as attacks") {
					t.Errorf("summary %q lacks the verdict count", stdout)
				}
			}
			flows, err := threat.ReadPcap(pcap)
			if err != nil {
				t.Fatal(err)
			}
			tab, err := threat.FlowTable(flows)
			if err != nil {
				t.Fatal(err)
			}
			wantZ, dim, err := m.Embed(tab)
			if err != nil {
				t.Fatal(err)
			}
			scores, err := m.ScoreFlows(flows)
			if err != nil {
				t.Fatal(err)
			}
			z, rows, cols, err := npy.ReadFile(npyPath)
			if err != nil {
				t.Fatal(err)
			}
			if rows != len(flows) || cols != dim || !reflect.DeepEqual(z, wantZ) {
				t.Fatalf(".npy of (%d, %d), want (%d, %d) equal to Model.Embed", rows, cols, len(flows), dim)
			}
			lines := readJSONL[threatLine](t, jsonl)
			if len(lines) != len(flows) {
				t.Fatalf("%d lines for %d flows", len(lines), len(flows))
			}
			for i, l := range lines {
				f := flows[i]
				if l.Index != i || l.Flow == nil || l.Truth != nil || l.Flow.Proto != f.Proto || l.Flow.Src != f.Src.String() ||
					l.Flow.Dst != f.Dst.String() || !l.Flow.Start.Equal(f.Start) || l.Flow.Service != f.Service || l.Flow.SrcBytes != f.SrcBytes ||
					l.Flow.LoggedIn != f.Content.LoggedIn || l.Flow.FailedLogins != f.Content.FailedLogins {
					t.Fatalf("line %d: %+v does not name flow %+v", i, l.Flow, f)
				}
				if !reflect.DeepEqual(l.Score, m.Verdict(scores[i])) {
					t.Fatalf("line %d: score %+v, model %+v", i, l.Score, m.Verdict(scores[i]))
				}
				if !reflect.DeepEqual(l.Embedding, z[i*dim:(i+1)*dim]) {
					t.Fatalf("line %d: embedding differs from the .npy row", i)
				}
			}
			if capture == "http.pcap" {
				web := 0
				for _, l := range lines {
					if l.Flow.Service == "http" && strings.HasSuffix(l.Flow.Dst, ":80") && l.Flow.DstBytes > l.Flow.SrcBytes && l.Flow.LoggedIn {
						web++
					}
				}
				if web == 0 {
					t.Error("http.pcap: no line names a logged-in web connection to port 80")
				}
			}
		})
	}

	t.Run("nslkdd", func(t *testing.T) {
		file := filepath.Join(threatTestdata, "synthetic-nslkdd.txt")
		jsonl := filepath.Join(out, "records.jsonl")
		if _, err := runCLI(t, "embed", "--model", run, "--data", "nslkdd:"+file, "--out", jsonl); err != nil {
			t.Fatal(err)
		}
		tab, err := data.ReadNSLKDD(file)
		if err != nil {
			t.Fatal(err)
		}
		scores, err := m.Score(tab)
		if err != nil {
			t.Fatal(err)
		}
		lines := readJSONL[threatLine](t, jsonl)
		if len(lines) != tab.Len() {
			t.Fatalf("%d lines for %d records", len(lines), tab.Len())
		}
		correct := 0
		for i, l := range lines {
			if l.Flow != nil || l.Truth == nil || l.Truth.Attack != tab.Attack[i] || l.Truth.Category != tab.Category[i].String() {
				t.Fatalf("line %d: truth %+v, want %s/%s", i, l.Truth, tab.Attack[i], tab.Category[i])
			}
			if !reflect.DeepEqual(l.Score, m.Verdict(scores[i])) {
				t.Fatalf("line %d: score %+v, model %+v", i, l.Score, m.Verdict(scores[i]))
			}
			if l.Score.Category == l.Truth.Category {
				correct++
			}
		}
		// The model was trained on these records: a sanity check that the
		// lines are in the records' order.
		if acc := float64(correct) / float64(len(lines)); acc < 0.9 {
			t.Errorf("five-class accuracy %.3f on the training records, want >= 0.9", acc)
		}
	})

	t.Run("usage errors", func(t *testing.T) {
		text := t.TempDir()
		os.WriteFile(filepath.Join(text, "config.yaml"), []byte("task: text\n"), 0o644)
		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"embed", "--model", run, "--data", "mnist", "--out", filepath.Join(out, "x.npy")}, "nslkdd:FILE or pcap:FILE"},
			{[]string{"embed", "--model", run, "--data", "pcap:x.pcap", "--split", "test", "--out", filepath.Join(out, "x.npy")}, "--split"},
			{[]string{"embed", "--model", text, "--data", "sts:x", "--out", filepath.Join(out, "x.npy")}, "image and threat runs"},
		} {
			err := Run(context.Background(), c.args)
			if err == nil || ExitCode(err) != 2 || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%v: exit %d, %v; want a usage error mentioning %q", c.args, ExitCode(err), err, c.want)
			}
		}
		if _, err := os.Stat(filepath.Join(out, "x.npy")); err == nil {
			t.Error("a refused embed wrote its output")
		}
		// A capture that cannot be read is an error naming the file.
		bad := filepath.Join(out, "bad.pcap")
		os.WriteFile(bad, []byte("not a capture"), 0o644)
		if err := Run(context.Background(), []string{"embed", "--model", run, "--data", "pcap:" + bad, "--out", filepath.Join(out, "y.jsonl")}); err == nil || !strings.Contains(err.Error(), "bad.pcap") {
			t.Errorf("unreadable capture: %v", err)
		}
	})
}

// TestServeThreat serves a tiny threat model with `contrast serve` and
// scores connection records over HTTP: the answers equal the model's own
// verdicts, records also embed and index, and bad records get a 400 or 413
// that names the problem.
func TestServeThreat(t *testing.T) {
	run := trainTinyThreat(t)
	m, err := threat.LoadModel(run)
	if err != nil {
		t.Fatal(err)
	}
	url, _, stop := serveInProcess(t, serveFlags{model: run, indexDir: filepath.Join(t.TempDir(), "idx"), addr: "127.0.0.1:0", sync: "group",
		kind: "flat", metric: "cosine", lim: server.Limits{MaxBatch: 4}, shutdown: 5 * time.Second})
	defer stop()
	post := func(path, body string) (int, []byte) {
		t.Helper()
		return request(t, "POST", url+path, body)
	}

	// The first two connections of dpkt's DNS/ICMP capture, and two
	// hand-written records: a web request and a SYN flood.
	flows, err := threat.ReadPcap(filepath.Join(threatTestdata, "dns_icmp.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	var recs []string
	for _, f := range flows[:2] {
		r := f.Record()
		fields := map[string]any{}
		for k, v := range r.Numeric {
			fields[k] = v
		}
		for k, v := range r.Categorical {
			fields[k] = v
		}
		b, _ := json.Marshal(fields)
		recs = append(recs, string(b))
	}
	recs = append(recs,
		`{"protocol_type":"tcp","service":"http","flag":"SF","src_bytes":232,"dst_bytes":8153,"logged_in":1,"count":5,"srv_count":5,"same_srv_rate":1,"dst_host_count":30,"dst_host_srv_count":255,"dst_host_same_srv_rate":1}`,
		`{"protocol_type":"tcp","service":"private","flag":"S0","count":200,"srv_count":10,"serror_rate":1,"srv_serror_rate":1,"same_srv_rate":0.05,"diff_srv_rate":0.07,"dst_host_count":255,"dst_host_srv_count":10,"dst_host_serror_rate":1,"dst_host_srv_serror_rate":1}`)
	body := `{"inputs":[` + strings.Join(recs, ",") + `]}`
	status, b := post("/v1/score", body)
	if status != 200 {
		t.Fatalf("score: %d %s", status, b)
	}
	var resp struct {
		Scores []threat.Verdict `json:"scores"`
	}
	if err := json.Unmarshal(b, &resp); err != nil {
		t.Fatal(err)
	}
	var trecs []threat.Record
	for _, r := range recs {
		rec, err := threat.DecodeRecord([]byte(r))
		if err != nil {
			t.Fatal(err)
		}
		trecs = append(trecs, rec)
	}
	want, err := m.ScoreRecords(trecs)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Scores) != len(want) {
		t.Fatalf("%d scores for %d records", len(resp.Scores), len(want))
	}
	for i, v := range resp.Scores {
		w := m.Verdict(want[i])
		if v.Category != w.Category || v.IsAttack != w.IsAttack || v.Threshold != w.Threshold || math.Abs(v.Anomaly-w.Anomaly) > 1e-9 {
			t.Fatalf("record %d: served %+v, model %+v", i, v, w)
		}
	}
	if resp.Scores[2].IsAttack || resp.Scores[3].Category != "dos" {
		t.Errorf("web request %+v and SYN flood %+v: want normal and dos", resp.Scores[2], resp.Scores[3])
	}

	// Records embed, index and search like any raw input.
	if status, b := post("/v1/embed", `{"inputs":[`+recs[3]+`]}`); status != 200 || !strings.Contains(string(b), `"dim":16`) {
		t.Fatalf("embed: %d %s", status, b)
	}
	if status, b := request(t, "PUT", url+"/v1/items", `{"items":[{"id":"flood","input":`+recs[3]+`},{"id":"web","input":`+recs[2]+`}]}`); status != 200 {
		t.Fatalf("upsert: %d %s", status, b)
	}
	if status, b := post("/v1/search", `{"input":`+recs[3]+`,"k":1}`); status != 200 || !strings.Contains(string(b), `"id":"flood"`) {
		t.Fatalf("search by a record: %d %s", status, b)
	}
	_, info := request(t, "GET", url+"/v1/info", "")
	if strings.Contains(string(info), "read_only") || !strings.Contains(string(info), `"modality":"tabular"`) || !strings.Contains(string(info), `"scorer":true`) {
		t.Errorf("info %s", info)
	}

	// A capture posted as it is: one verdict per connection, as embed
	// reports them.
	for _, capture := range []string{"http.pcap"} {
		raw, err := os.ReadFile(filepath.Join(threatTestdata, capture))
		if err != nil {
			t.Fatal(err)
		}
		status, b := post("/v1/score/capture", string(raw))
		if status != 200 {
			t.Fatalf("score %s: %d %s", capture, status, b)
		}
		var got struct {
			Scores []threat.FlowVerdict `json:"scores"`
		}
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		flows, err := threat.ReadPcap(filepath.Join(threatTestdata, capture))
		if err != nil {
			t.Fatal(err)
		}
		want, err := m.ScoreFlows(flows)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Scores) != len(flows) {
			t.Fatalf("%s: %d verdicts for %d flows", capture, len(got.Scores), len(flows))
		}
		for i, v := range got.Scores {
			w := m.Verdict(want[i])
			if sum := flows[i].Summary(); v.Flow.Src != sum.Src || v.Flow.Dst != sum.Dst || !v.Flow.Start.Equal(sum.Start) ||
				v.Flow.Service != sum.Service || v.Flow.LoggedIn != sum.LoggedIn || v.Category != w.Category || math.Abs(v.Anomaly-w.Anomaly) > 1e-9 {
				t.Fatalf("%s flow %d: served %+v, want %+v and %+v", capture, i, v, sum, w)
			}
		}
	}
	if !strings.Contains(string(info), `"capture_scorer":true`) {
		t.Errorf("info %s does not announce POST /v1/score/capture", info)
	}
	for _, c := range []struct {
		name, body, mention string
	}{
		{"empty", "", "empty body"},
		{"not a capture", `{"inputs":[]}`, "not a pcap or pcapng capture"},
		{"header only", string(pcapHeaderOnly(t)), "no IP flows"},
	} {
		status, b := post("/v1/score/capture", c.body)
		if status != 400 || !strings.Contains(string(b), c.mention) {
			t.Errorf("capture %s: %d %s, want 400 mentioning %q", c.name, status, b, c.mention)
		}
	}
	if raw, err := os.ReadFile(filepath.Join(threatTestdata, "dns_icmp.pcap")); err != nil {
		t.Fatal(err)
	} else if status, b := post("/v1/score/capture", string(raw)); status != 413 || !strings.Contains(string(b), "17 connections, more than the batch limit of 4") {
		t.Errorf("17 connections with --max-batch 4: %d %s, want 413", status, b)
	}

	const web = `"protocol_type":"tcp","service":"http","flag":"SF"`
	for _, c := range []struct {
		name, body string
		status     int
		mention    string
	}{
		{"unknown field", `{"inputs":[{` + web + `},{` + web + `,"src_bytez":1}]}`, 400, `inputs[1]: unknown field "src_bytez"`},
		{"wrong type", `{"inputs":[{` + web + `,"count":"12"}]}`, 400, `inputs[0]: field "count": want a number, got a string`},
		{"NaN", `{"inputs":[{` + web + `,"count":NaN}]}`, 400, "invalid JSON"},
		{"huge number", `{"inputs":[{` + web + `,"count":1e999}]}`, 400, `inputs[0]: field "count": 1e999 is not a finite number`},
		{"negative", `{"inputs":[{` + web + `,"duration":-3}]}`, 400, `inputs[0]: field "duration": -3 is outside`},
		{"missing field", `{"inputs":[{"protocol_type":"tcp"}]}`, 400, `inputs[0]: missing field "service"`},
		{"not an object", `{"inputs":["tcp,http,SF"]}`, 400, "inputs[0]: want a JSON object"},
		{"empty list", `{"inputs":[]}`, 400, `"inputs" is missing or empty`},
		{"too many", `{"inputs":[{` + web + `},{` + web + `},{` + web + `},{` + web + `},{` + web + `}]}`, 413, "5 inputs exceed the batch limit of 4"},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, b := post("/v1/score", c.body)
			var e struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			json.Unmarshal(b, &e)
			if status != c.status || !strings.Contains(e.Error.Message, c.mention) {
				t.Fatalf("got %d %s, want %d mentioning %q", status, b, c.status, c.mention)
			}
		})
	}
}

// TestServeThreatWithoutIndex serves a threat model with no --index: scoring
// works, searches find nothing, and writes are refused with 501 (an index
// kept only in memory would lose them at exit).
func TestServeThreatWithoutIndex(t *testing.T) {
	run := trainTinyThreat(t)
	url, _, stop := serveInProcess(t, serveFlags{model: run, addr: "127.0.0.1:0", metric: "cosine", shutdown: 5 * time.Second})
	defer stop()
	const rec = `{"protocol_type":"tcp","service":"http","flag":"SF","src_bytes":232,"dst_bytes":8153}`
	if status, b := request(t, "POST", url+"/v1/score", `{"inputs":[`+rec+`]}`); status != 200 || !strings.Contains(string(b), `"is_attack"`) {
		t.Fatalf("score: %d %s", status, b)
	}
	if status, b := request(t, "POST", url+"/v1/search", `{"input":`+rec+`,"k":3}`); status != 200 || !strings.Contains(string(b), `"results":[]`) {
		t.Fatalf("search: %d %s", status, b)
	}
	if status, b := request(t, "POST", url+"/v1/search", `{"id":"a","k":3}`); status != 404 {
		t.Fatalf("search by ID: %d %s, want 404", status, b)
	}
	status, b := request(t, "PUT", url+"/v1/items", `{"items":[{"id":"a","input":`+rec+`}]}`)
	if status != 501 || !strings.Contains(string(b), "no index") {
		t.Fatalf("upsert: %d %s, want 501 saying there is no index", status, b)
	}
	if status, b := request(t, "DELETE", url+"/v1/items/a", ""); status != 501 {
		t.Fatalf("delete: %d %s, want 501", status, b)
	}
	if status, b := request(t, "GET", url+"/v1/info", ""); status != 200 || !strings.Contains(string(b), `"read_only":true`) {
		t.Fatalf("info: %d %s, want read_only", status, b)
	}
	if status, b := request(t, "GET", url+"/healthz", ""); status != 200 || !strings.Contains(string(b), `"items":0`) {
		t.Fatalf("healthz: %d %s", status, b)
	}
}

// serveInProcess runs serve with sf until stop, which shuts it down and
// fails the test if serve returned an error; it returns the base URL and
// serve's log, complete once stop has returned.
func serveInProcess(t *testing.T, sf serveFlags) (url string, logs *bytes.Buffer, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	logs = &bytes.Buffer{}
	cmd := &cobra.Command{}
	cmd.SetErr(logs)
	go func() { done <- runServe(ctx, cmd, sf, ready) }()
	select {
	case addr := <-ready:
		url = "http://" + addr
	case err := <-done:
		cancel()
		t.Fatalf("serve: %v\n%s", err, logs.String())
	}
	return url, logs, func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v\n%s", err, logs.String())
		}
	}
}

// request sends body (none when empty) with method and returns the status
// and the response body.
func request(t *testing.T, method, url, body string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// writeIDX writes n 8x8 images (two classes, dark and light) and their
// labels as the IDX pair prefix-{images-idx3,labels-idx1}-ubyte in dir.
func writeIDX(t *testing.T, dir, prefix string, n int) {
	t.Helper()
	img := []byte{0, 0, 8, 3, 0, 0, 0, byte(n), 0, 0, 0, 8, 0, 0, 0, 8}
	lab := []byte{0, 0, 8, 1, 0, 0, 0, byte(n)}
	for i := range n {
		c := i % 2
		for p := range 64 {
			img = append(img, byte(40+160*c+7*(i/2)+p%5))
		}
		lab = append(lab, byte(c))
	}
	if err := os.WriteFile(filepath.Join(dir, prefix+"-images-idx3-ubyte"), img, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, prefix+"-labels-idx1-ubyte"), lab, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestEmbedImageRun checks that the image path of embed still works after
// the dispatch by task: a two-step SimCLR run on tiny IDX images, its test
// split embedded to .npy and .jsonl with one line per image and its label.
func TestEmbedImageRun(t *testing.T) {
	dir := t.TempDir()
	writeIDX(t, dir, "train", 16)
	writeIDX(t, dir, "t10k", 10)
	spec := "idx:" + dir
	run := filepath.Join(dir, "run")
	if _, err := runCLI(t, "train", "--data", spec, "--out", run, "--quiet", "--steps", "2", "--batch", "4",
		"--encoder.kind", "mlp", "--encoder.hidden", "16", "--encoder.dim", "8", "--head.proj_hidden", "8", "--head.proj_dim", "4",
		"--monitor.held_out", "2", "--monitor.knn_k", "1", "--finetune.epochs", "1"); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "z")
	for _, ext := range []string{".npy", ".jsonl"} {
		if _, err := runCLI(t, "embed", "--model", run, "--data", spec, "--split", "test", "--out", out+ext); err != nil {
			t.Fatal(err)
		}
	}
	z, rows, cols, err := npy.ReadFile(out + ".npy")
	if err != nil {
		t.Fatal(err)
	}
	lines := readJSONL[struct {
		Index     int       `json:"index"`
		Label     int       `json:"label"`
		Embedding []float32 `json:"embedding"`
	}](t, out+".jsonl")
	if rows != 10 || cols != 8 || len(lines) != 10 {
		t.Fatalf(".npy (%d, %d) and %d lines, want (10, 8) and 10", rows, cols, len(lines))
	}
	for i, l := range lines {
		if l.Index != i || l.Label != i%2 || !reflect.DeepEqual(l.Embedding, z[i*8:(i+1)*8]) {
			t.Fatalf("line %d: index %d label %d, or its embedding differs from the .npy row", i, l.Index, l.Label)
		}
	}
}

// pcapHeaderOnly is a valid pcap file header (little-endian, v2.4, snaplen
// 65535, Ethernet) with no packets.
func pcapHeaderOnly(t *testing.T) []byte {
	t.Helper()
	return []byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0}
}

// TestTrainKeepsEarlierRun trains a run and then trains again into the same
// --out without --resume: the second train must refuse before touching the
// first run's files.
func TestTrainKeepsEarlierRun(t *testing.T) {
	run := trainTinyThreat(t)
	before := map[string][]byte{}
	for _, f := range []string{"model.json", "metrics.json", "config.yaml"} {
		b, err := os.ReadFile(filepath.Join(run, f))
		if err != nil {
			t.Fatal(err)
		}
		before[f] = b
	}
	_, err := runCLI(t, "train", "--config", filepath.Join(run, "config.yaml"), "--out", run, "--quiet")
	if err == nil || !strings.Contains(err.Error(), "already holds a finished run") {
		t.Fatalf("second train into %s: error %v, want a refusal", run, err)
	}
	for f, b := range before {
		if now, err := os.ReadFile(filepath.Join(run, f)); err != nil || !bytes.Equal(now, b) {
			t.Errorf("%s changed (%v)", f, err)
		}
	}
}

// TestThreatMissingTestFileFailsFirst checks that a threat run whose test
// file is missing fails before it trains, leaving no model that would make
// its --out look trained.
func TestThreatMissingTestFileFailsFirst(t *testing.T) {
	dir := t.TempDir()
	synth, err := filepath.Abs(filepath.Join(threatTestdata, "synthetic-nslkdd.txt"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "tiny.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf("task: threat\ntrain: nslkdd:%s\ntest: nslkdd:%s\n", synth, filepath.Join(dir, "missing.txt"))), 0o644)
	run := filepath.Join(dir, "run")
	if _, err := runCLI(t, "train", "--config", cfg, "--out", run, "--quiet"); err == nil || !strings.Contains(err.Error(), "missing.txt") {
		t.Fatalf("error %v, want one naming the missing test file", err)
	}
	if _, err := os.Stat(filepath.Join(run, "model.json")); err == nil {
		t.Error("a model was trained and saved before the test file was found missing")
	}
}
