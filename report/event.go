package report

import "math"

// FileVersion is the file_version of the first event of every event file;
// TensorBoard reads files that start with it.
const FileVersion = "brain.Event:2"

// Field numbers of tensorflow.Event (tensorflow/core/util/event.proto) and
// tensorflow.Summary / Summary.Value (tensorflow/core/framework/summary.proto).
const (
	eventWallTime    = 1 // double
	eventStep        = 2 // int64
	eventFileVersion = 3 // string, oneof what
	eventSummary     = 5 // Summary, oneof what
	summaryValue     = 1 // repeated Summary.Value
	valueTag         = 1 // string
	valueSimpleValue = 2 // float, oneof value
)

// scalar is one Summary.Value with a simple_value.
type scalar struct {
	tag   string
	value float32
}

// appendEventHeader appends the fields every Event has, in proto3 canonical
// form: wall_time and step are left out when zero, as protobuf serialisers
// do for defaults.
func appendEventHeader(b []byte, wallTime float64, step int64) []byte {
	if math.Float64bits(wallTime) != 0 {
		b = appendDoubleField(b, eventWallTime, wallTime)
	}
	if step != 0 {
		b = appendInt64Field(b, eventStep, step)
	}
	return b
}

// appendFileVersionEvent encodes Event{wall_time, file_version: FileVersion}.
func appendFileVersionEvent(b []byte, wallTime float64) []byte {
	b = appendEventHeader(b, wallTime, 0)
	return appendStringField(b, eventFileVersion, FileVersion)
}

// appendSummaryEvent encodes Event{wall_time, step, summary: Summary{value:
// [{tag, simple_value}...]}}. simple_value sits in a oneof, so it is written
// even when it is zero. scratch is reused for the nested messages.
func appendSummaryEvent(b []byte, wallTime float64, step int64, values []scalar, scratch []byte) ([]byte, []byte) {
	b = appendEventHeader(b, wallTime, step)
	// Summary = repeated Value; each Value is length-delimited, so build
	// the Summary body in scratch first to know its length.
	summary := scratch[:0]
	for _, v := range values {
		n := len(v.tag)
		valueLen := 1 + varintLen(uint64(n)) + n + 1 + 4
		summary = appendKey(summary, summaryValue, wireBytes)
		summary = appendVarint(summary, uint64(valueLen))
		summary = appendStringField(summary, valueTag, v.tag)
		summary = appendFloatField(summary, valueSimpleValue, v.value)
	}
	return appendBytesField(b, eventSummary, summary), summary
}

// varintLen is the number of bytes appendVarint writes for v.
func varintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}
