package threat

import (
	"cmp"
	"slices"
)

// maxInspect bounds the bytes of each direction of a connection kept for
// inspection.
const maxInspect = 64 << 10

// maxPending and maxPendingSegments bound the segments held while an
// earlier one is missing (a capture's packets can arrive slightly out of
// order), in bytes and in number.
const (
	maxPending         = 16 << 10
	maxPendingSegments = 64
)

// stream is one direction of a TCP connection's payload, in sequence order,
// up to maxInspect bytes. Segments that arrive ahead of a missing one wait
// (up to maxPending bytes) for it; when it never comes the stream stops
// there (gap), so that the parsers never read two pieces as adjacent.
type stream struct {
	buf     []byte
	next    uint32 // sequence number of the next byte expected
	started bool
	gap     bool
	pending []segment // segments ahead of next, waiting, by sequence number
	held    int       // their bytes
}

// segment is a piece of payload at a sequence number.
type segment struct {
	seq  uint32
	data []byte
}

// add takes a segment with sequence number seq (of its SYN, when syn, whose
// data, as TCP Fast Open sends it, starts at seq+1). Retransmitted bytes
// are skipped; a SYN with a new initial sequence number before any data (a
// new connection on the same ports) starts the stream afresh.
func (s *stream) add(seq uint32, syn bool, data []byte) {
	if syn {
		if !s.started || len(s.buf) == 0 && len(s.pending) == 0 && s.next != seq+1 {
			s.next, s.started = seq+1, true
		}
		seq++
	}
	if s.gap || len(data) == 0 {
		return
	}
	if !s.started {
		s.next, s.started = seq, true
	}
	if int32(seq-s.next) > 0 {
		s.hold(seq, data)
		return
	}
	s.take(seq, data)
	for len(s.pending) > 0 && int32(s.pending[0].seq-s.next) <= 0 {
		p := s.pending[0]
		s.pending = s.pending[1:]
		s.held -= len(p.data)
		s.take(p.seq, p.data)
	}
}

// hold keeps a segment that starts after next until the bytes before it
// come, in sequence order; a copy of one already held is dropped, and past
// the bounds the stream stops (gap).
func (s *stream) hold(seq uint32, data []byte) {
	i, _ := slices.BinarySearchFunc(s.pending, seq, func(p segment, seq uint32) int { return cmp.Compare(int32(p.seq-seq), 0) })
	if i < len(s.pending) && s.pending[i].seq == seq && len(s.pending[i].data) >= len(data) {
		return
	}
	if s.held+len(data) > maxPending || len(s.pending) == maxPendingSegments {
		s.gap, s.pending, s.held = true, nil, 0
		return
	}
	s.pending = slices.Insert(s.pending, i, segment{seq, append([]byte(nil), data...)})
	s.held += len(data)
}

// take appends the bytes of a segment at seq (<= next) that come after
// next.
func (s *stream) take(seq uint32, data []byte) {
	d := int(s.next - seq) // bytes already seen
	if d >= len(data) {
		return
	}
	data = data[d:]
	s.next += uint32(len(data))
	if room := maxInspect - len(s.buf); room > 0 {
		s.buf = append(s.buf, data[:min(len(data), room)]...)
	}
}
