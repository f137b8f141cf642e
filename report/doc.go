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
package report
