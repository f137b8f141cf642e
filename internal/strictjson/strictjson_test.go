package strictjson

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	type req struct {
		History []int `json:"history"`
		K       int   `json:"k"`
	}
	var ok req
	if err := Decode([]byte(` {"history": [1, 2], "k": 3} `), &ok); err != nil || ok.K != 3 || len(ok.History) != 2 {
		t.Fatalf("valid body: %+v, %v", ok, err)
	}
	for _, c := range []struct{ body, want string }{
		{"  \n", "empty request body"},
		{`{"history": ["a"]}`, `field "history": cannot use a JSON string here`},
		{`{"k": "3"}`, `field "k": cannot use a JSON string here`},
		{`[1]`, "cannot use a JSON array here"},
		{`{"kk": 3}`, `unknown field "kk"`},
		{`{"k": 3} {}`, "data after the object"},
		{`{"k": 3`, "unexpected EOF"},
		{"null", "the body is null"},
		{" null\n", "the body is null"},
		{`{"k": 1, "k": 2}`, `field "k" appears twice`},
		{`{"k": 1, "\u006b": 2}`, `field "k" appears twice`},
		{`{"k": 1, "K": 2}`, `unknown field "K" (field names are case-sensitive: did you mean "k"?)`},
		{`{"History": [1]}`, `unknown field "History"`},
	} {
		var r req
		err := Decode([]byte(c.body), &r)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want one mentioning %q", c.body, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "Go struct") {
			t.Errorf("%q: error %q names a Go type", c.body, err)
		}
	}
	if err := Decode(nil, new(req)); !errors.Is(err, ErrEmpty) {
		t.Errorf("nil body: %v", err)
	}
	// White space that JSON does not allow stays an error around the body,
	// as encoding/json has it.
	for _, body := range []string{"{\"k\": 3}\v", "\f{\"k\": 3}", "\u00a0{\"k\": 3}", "{\"k\": 3}\u0085"} {
		if err := Decode([]byte(body), new(req)); err == nil {
			t.Errorf("%q accepted", body)
		}
	}
	// Keys of invalid UTF-8 that encoding/json reads as one (U+FFFD).
	var m struct {
		Tags map[string]int `json:"tags"`
	}
	if err := Decode([]byte("{\"tags\": {\"\xff\": 1, \"\xfe\": 2}}"), &m); err == nil || !strings.Contains(err.Error(), "appears twice") {
		t.Errorf("two invalid UTF-8 keys: %v, want a repeated key", err)
	}
}

// TestDecodeNested checks repeated and case-folded keys below the top level:
// in nested and embedded structs, slices of structs, maps and raw values.
func TestDecodeNested(t *testing.T) {
	type inner struct {
		ID string `json:"id"`
	}
	type Embedded struct {
		Vector []float32 `json:"vector,omitempty"`
	}
	type req struct {
		Embedded
		A     inner             `json:"a"`
		Items []*inner          `json:"items"`
		Meta  json.RawMessage   `json:"meta"`
		Tags  map[string]inner  `json:"tags"`
		Any   any               `json:"any"`
		Raws  []json.RawMessage `json:"raws"`
	}
	good := `{"vector": [1], "a": {"id": "x"}, "items": [{"id": "y"}, null], "meta": {"id": 1, "ID": 2},
		"tags": {"t": {"id": "z"}, "T": {"id": "w"}}, "any": {"a": {"A": 1}}, "raws": [[{"x": 1}], "s"]}`
	var ok req
	if err := Decode([]byte(good), &ok); err != nil || ok.A.ID != "x" || ok.Items[0].ID != "y" || len(ok.Tags) != 2 {
		t.Fatalf("valid body: %+v, %v", ok, err)
	}
	for _, c := range []struct{ body, want string }{
		{`{"a": {"id": "x", "id": "y"}}`, `field "a.id" appears twice`},
		{`{"a": {"ID": "x"}}`, `unknown field "a.ID" (field names are case-sensitive: did you mean "a.id"?)`},
		{`{"Vector": [1]}`, `did you mean "vector"?`},
		{`{"vector": [1], "vector": [2]}`, `field "vector" appears twice`},
		{`{"items": [{"id": "x"}, {"id": "y", "Id": "z"}]}`, `unknown field "items[1].Id"`},
		{`{"meta": {"m": [{"x": 1, "x": 2}]}}`, `field "meta.m[0].x" appears twice`},
		{`{"tags": {"t": {"id": "a"}, "t": {"id": "b"}}}`, `field "tags.t" appears twice`},
		{`{"tags": {"t": {"Id": "a"}}}`, `unknown field "tags.t.Id"`},
		{`{"any": {"a": 1, "a": 1}}`, `field "any.a" appears twice`},
		{`{"raws": ["x", {"k\"": 1, "k\u0022": 2}]}`, `field "raws[1].k\"" appears twice`},
		{`{"meta": {"": {"": 1, "": 2}}}`, `field "meta.." appears twice`},
	} {
		var r req
		err := Decode([]byte(c.body), &r)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %s", c.body, err, c.want)
		}
	}
}

// FuzzDecode checks that Decode never panics and that whatever it accepts
// encoding/json decodes to the same value.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"history": [1, 2], "k": 3}`, `{"k": 1, "k": 2}`, `{"K": 1}`, `null`, `{"m": {"a": [{"b": "\u0061"}]}}`, `{"x": "\"}`} {
		f.Add([]byte(s))
	}
	type req struct {
		History []int           `json:"history"`
		K       int             `json:"k"`
		M       json.RawMessage `json:"m"`
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var got, want req
		if Decode(b, &got) != nil {
			return
		}
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatalf("Decode accepted %q, encoding/json: %v", b, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: Decode %+v, encoding/json %+v", b, got, want)
		}
	})
}
