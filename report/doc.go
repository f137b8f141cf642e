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
// # Plots
//
// Plots are rendered to PNG with gonum.org/v1/plot and its pure-Go raster
// backend (vg/vgimg), at 96 DPI so that sizes are exact pixel counts. A
// Figure is one or more Panels of line Series; DefaultFamilies and
// FamilyFigure turn a metrics log into the standard figures of a run (loss,
// learning rate, kNN accuracy, collapse signals) per step or per epoch
// (Axis). Scatter draws a 2-D map of embeddings (n, 2), projected by the
// caller with eval.PCA or eval.TSNE, coloured by class with a legend of class
// names. NeighborGrid draws query images (float32 (n, C, H, W) in [0, 1],
// grey or RGB) beside their nearest neighbours with image/draw: a blue frame
// on the query, green on a neighbour of the same class, red on one of
// another class. Inconsistent inputs return errors wrapping ErrShape rather
// than panicking, so a report never takes down the run that made it.
//
// # HTML report
//
// RenderHTML and WriteHTML (atomic) render a Page with html/template: the
// run's title, the final metrics table, every image embedded as a base64
// data URI, and the resolved configuration as preformatted YAML. CSS is
// inline and there are no scripts, fonts or links outside the page, so
// report.html opens offline and can be mailed as one file. WriteRun does a
// whole run directory at once: the family plots, embedding.png,
// neighbors.png, metrics.json and report.html.
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
