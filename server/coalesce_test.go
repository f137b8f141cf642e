package server

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/contrast-ml/contrast/index"
)

// recordStore records Upsert calls; it fails calls holding an ID starting
// with "fail" and sleeps delay in each.
type recordStore struct {
	Store
	mu    sync.Mutex
	calls [][]string
	state map[string]float32
	delay time.Duration
}

func (r *recordStore) Upsert(items ...index.Item) error {
	time.Sleep(r.delay)
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []string
	seen := map[string]bool{}
	for _, it := range items {
		if seen[it.ID] {
			return fmt.Errorf("duplicate %q in one call", it.ID)
		}
		seen[it.ID] = true
		ids = append(ids, it.ID)
		if strings.HasPrefix(it.ID, "fail") {
			return errors.New("refused")
		}
	}
	r.calls = append(r.calls, ids)
	if r.state == nil {
		r.state = map[string]float32{}
	}
	for _, it := range items {
		r.state[it.ID] = it.Vector[0]
	}
	return nil
}

func items(spec string) []index.Item {
	var out []index.Item
	for _, f := range strings.Fields(spec) {
		id, v, _ := strings.Cut(f, "=")
		var x float32
		fmt.Sscan(v, &x)
		out = append(out, index.Item{ID: id, Vector: []float32{x}})
	}
	return out
}

// TestCommitBatch checks how queued requests are split into calls (a new
// call where a request repeats an ID, requests kept whole, order kept) and
// which requests get errors.
func TestCommitBatch(t *testing.T) {
	cases := []struct {
		name    string
		reqs    []string
		calls   string // calls separated by |
		state   string
		failing []int
	}{
		{"one request", []string{"a=1 b=2"}, "a b", "a=1 b=2", nil},
		{"distinct requests merge", []string{"a=1", "b=2", "c=3"}, "a b c", "a=1 b=2 c=3", nil},
		{"repeat splits, later wins", []string{"a=1 b=2", "c=3 a=4", "a=5"}, "a b|c a|a", "a=5 b=2 c=3", nil},
		{"failure reaches its members", []string{"a=1", "fail=2", "b=3 a=4", "c=5"}, "b a c", "b=3 a=4 c=5", []int{0, 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := &recordStore{}
			var batch []*writeReq
			for _, r := range c.reqs {
				batch = append(batch, &writeReq{items: items(r), done: make(chan error, 1)})
			}
			commitBatch(st, batch)
			var calls []string
			for _, ids := range st.calls {
				calls = append(calls, strings.Join(ids, " "))
			}
			if got := strings.Join(calls, "|"); got != c.calls {
				t.Errorf("calls %q, want %q", got, c.calls)
			}
			want := map[string]float32{}
			for _, it := range items(c.state) {
				want[it.ID] = it.Vector[0]
			}
			if fmt.Sprint(st.state) != fmt.Sprint(want) {
				t.Errorf("state %v, want %v", st.state, want)
			}
			for i, r := range batch {
				if err := <-r.done; (err != nil) != slices.Contains(c.failing, i) {
					t.Errorf("request %d: error %v", i, err)
				}
			}
		})
	}
}

// TestCoalescerConcurrent runs many concurrent requests against a slow
// store: each returns only after its items are stored, and they share calls.
func TestCoalescerConcurrent(t *testing.T) {
	st := &recordStore{delay: 2 * time.Millisecond}
	var c coalescer
	const n = 60
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprint("r", i)
			if err := c.upsert(st, []index.Item{{ID: id, Vector: []float32{float32(i)}}}); err != nil {
				errs <- err
				return
			}
			st.mu.Lock()
			v, ok := st.state[id]
			st.mu.Unlock()
			if !ok || v != float32(i) {
				errs <- fmt.Errorf("request %d returned before its item was stored", i)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(st.state) != n {
		t.Fatalf("%d items stored, want %d", len(st.state), n)
	}
	if len(st.calls) >= n {
		t.Errorf("%d calls for %d concurrent requests: nothing was merged", len(st.calls), n)
	}
	if c.busy || len(c.queue) != 0 {
		t.Fatalf("coalescer left busy=%v with %d queued", c.busy, len(c.queue))
	}
	t.Logf("%d requests in %d calls", n, len(st.calls))
}
