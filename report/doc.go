// Package report writes everything a training run leaves for people to look
// at: the metrics log, the final metrics, plots, one self-contained HTML page
// and TensorBoard event files. It does not depend on the training code: every
// input is plain data (records, maps of numbers, float32 slices, PNG bytes),
// so train, eval and the command line can all call it.
//
// # Metrics
//
// A Record is one observation of named values at an (epoch, step). MetricsLog
// appends Records to metrics.jsonl as JSON Lines, one flat object per line
// ({"epoch":1,"step":400,"loss":4.2,"lr":0.3,...}), each line written whole
// with a single write so that a crash leaves only complete lines. ReadMetrics
// reads such a log back (for plots and for evaluation tools), tolerating a
// truncated last line. WriteMetricsJSON writes the final metrics of a run as
// one flat JSON object with sorted keys, atomically (temporary file, fsync,
// rename). JSON has no NaN, so non-finite values are written as null and read
// back as NaN.
//
// # TensorBoard
//
// EventWriter writes scalars to a TensorBoard event file,
// events.out.tfevents.<unix seconds>.<hostname>, so runs can be watched with
// the tool people already use. The format is small enough to write by hand,
// with no protobuf dependency: a sequence of TFRecords (uint64 length, masked
// CRC-32C of the length, data, masked CRC-32C of the data; the mask is
// ((crc >> 15) | (crc << 17)) + 0xa282ead8), each holding a serialized
// tensorflow.Event: wall_time (field 1, double), step (2, int64),
// file_version (3, string; "brain.Event:2" in the first event) or summary (5,
// a Summary of Values with tag (1, string) and simple_value (2, float)).
package report
