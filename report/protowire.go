package report

import (
	"encoding/binary"
	"math"
)

// Protocol-buffer wire format, just enough to encode tensorflow.Event
// (https://protobuf.dev/programming-guides/encoding/): a field is a varint
// key (field number << 3 | wire type) followed by its payload.
const (
	wireVarint  = 0 // int32, int64, uint64, bool, enum
	wireFixed64 = 1 // double, fixed64
	wireBytes   = 2 // string, bytes, embedded messages
	wireFixed32 = 5 // float, fixed32
)

// appendVarint appends v in base-128, least significant group first, the
// high bit of each byte set when more follow. Negative int64 values are
// encoded as their two's-complement uint64 (10 bytes), as protobuf does.
func appendVarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func appendKey(b []byte, field, wire int) []byte {
	return appendVarint(b, uint64(field)<<3|uint64(wire))
}

func appendDoubleField(b []byte, field int, v float64) []byte {
	b = appendKey(b, field, wireFixed64)
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
}

func appendFloatField(b []byte, field int, v float32) []byte {
	b = appendKey(b, field, wireFixed32)
	return binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
}

func appendInt64Field(b []byte, field int, v int64) []byte {
	b = appendKey(b, field, wireVarint)
	return appendVarint(b, uint64(v))
}

func appendBytesField(b []byte, field int, data []byte) []byte {
	b = appendKey(b, field, wireBytes)
	b = appendVarint(b, uint64(len(data)))
	return append(b, data...)
}

func appendStringField(b []byte, field int, s string) []byte {
	b = appendKey(b, field, wireBytes)
	b = appendVarint(b, uint64(len(s)))
	return append(b, s...)
}
