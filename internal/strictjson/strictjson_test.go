package strictjson

import (
	"errors"
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
}
