package server

import (
	"errors"
	"sync"

	"github.com/contrast-ml/contrast/index"
)

// coalescer merges concurrent upsert requests into few Store.Upsert calls
// (group commit at the request level): each call takes the index's write lock
// once (the write that fits the int8 quantizer installs it in that same hold),
// waiting for the searches in flight, and is one log record (that write's
// too, quantizer included; only a call over the 1 GiB record limit is split)
// and one fsync, so under load a handful of requests cost about as much as
// one.
//
// There is no background goroutine: the first request to arrive while no
// write is running becomes the leader, writes everything queued so far
// (itself included) and then hands the lead to the oldest request queued
// meanwhile, so no request waits for more than the write in progress and its
// own. Requests are applied in arrival order, each whole in one call; a
// batch is split where a request repeats an ID of the call being gathered,
// so the later request wins as if they had run one by one. A
// request queued here is always written before it returns (it never gives up
// on its deadline), which keeps "a timeout means not written" true.
type coalescer struct {
	mu    sync.Mutex
	queue []*writeReq
	busy  bool
}

type writeReq struct {
	items []index.Item
	done  chan error // the result, or errLead
}

// errLead tells a queued request that it now leads.
var errLead = errors.New("lead")

// upsert writes items through st together with the concurrent requests and
// returns once they are written (durably, with an index.DB).
func (c *coalescer) upsert(st Store, items []index.Item) error {
	req := &writeReq{items: items, done: make(chan error, 1)}
	c.mu.Lock()
	c.queue = append(c.queue, req)
	if c.busy {
		c.mu.Unlock()
		if err := <-req.done; err != errLead {
			return err
		}
		c.mu.Lock()
	} else {
		c.busy = true
	}
	batch := c.queue
	c.queue = nil
	c.mu.Unlock()
	commitBatch(st, batch)
	c.mu.Lock()
	if len(c.queue) > 0 {
		c.queue[0].done <- errLead
	} else {
		c.busy = false
	}
	c.mu.Unlock()
	return <-req.done
}

// commitBatch writes the requests' items in order and answers every
// request. Requests go whole into one Store.Upsert call (so each stays
// atomic: one log record with an index.DB, replayed all or nothing, even
// for the call that fits the quantizer), and a new call starts where a
// request repeats an ID of the current one.
func commitBatch(st Store, batch []*writeReq) {
	errs := make([]error, len(batch))
	var group []index.Item
	var members []int // requests in group
	seen := map[string]bool{}
	flush := func() {
		if len(group) == 0 {
			return
		}
		if err := st.Upsert(group...); err != nil {
			for _, m := range members {
				errs[m] = err
			}
		}
		group, members = group[:0:0], members[:0]
		clear(seen)
	}
	for r, req := range batch {
		for _, it := range req.items {
			if seen[it.ID] {
				flush()
				break
			}
		}
		for _, it := range req.items {
			seen[it.ID] = true
		}
		group = append(group, req.items...)
		members = append(members, r)
	}
	flush()
	for r, req := range batch {
		req.done <- errs[r]
	}
}
