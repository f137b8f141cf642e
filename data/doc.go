// Package data reads the data sets contrast trains and evaluates on, parses
// data-source spec strings, samples batches and loads them concurrently.
//
// # Data sets
//
// Three in-memory shapes cover the modalities:
//
//   - Images: N examples of (C, H, W) uint8 pixels with integer labels, from
//     IDX files (ReadIDX, ReadIDXDir; MNIST from the Go module cache with
//     MNIST) or class folders of PNG/JPEG files (ReadImageFolder).
//     Images.Example writes one example as float32 in [0, 1].
//   - ScoredPairs: sentence pairs with a gold score and an optional label,
//     from SICK (ReadSICK), SemEval STS (ReadSTS), MSRP (ReadMSRP) or generic
//     TSV/CSV/JSONL files with named columns (ReadPairs).
//   - Table: records with numeric and categorical columns, an attack label, its
//     Category and a difficulty, from NSL-KDD (ReadNSLKDD).
//
// Subset, Head, SplitAt and StratifiedSplit make train/validation splits and
// the 1%/10% label subsets of semi-supervised evaluation, reproducibly from a
// seed.
//
// # Spec strings
//
// Command lines name a data source with a spec string (see SpecForms):
// "mnist", "idx:DIR", "images:DIR?size=64&channels=1", "sick:FILE",
// "sts:FILE_OR_DIR", "msrp:FILE", "pairs:FILE?a=question&b=answer",
// "nslkdd:FILE". ParseSpec checks one, Load reads it into a Set of named
// splits, and Describe (or Inspect) summarises a Set as text.
//
// # Samplers
//
// A Sampler returns an epoch's batches of example indices, determined by its
// seed and the epoch number alone: Sequential, Random (a permutation),
// MPerClass (K classes x M examples, for batch-hard mining and SupCon),
// BalancedPairs (half positive, half negative pairs, layout (P, 2)), Triplets
// (anchor, positive, negative, layout (T, 3)) and NoDuplicates (sentence-pair
// batches in which no sentence occurs twice).
//
// # Loader
//
// Loader builds batches ahead of the training step on a pool of goroutines
// with a fixed number of recycled buffers, calling a FillFunc per example with
// a random generator seeded from (seed, epoch, position), so the batches do
// not depend on the number of workers. Loader.Epoch is a range-over-func
// iterator; breaking out of the loop or cancelling the context stops and
// joins every goroutine.
//
// # Errors
//
// Malformed input gives a *ParseError naming the file and the line (text) or
// byte offset (IDX); readers never panic on bad input. Other failures from
// outside are wrapped with the path, e.g. `data: read "x.tsv": ...`. Misuse of
// shapes by the caller (a wrong buffer length, an index out of range) panics
// with a message prefixed "data:".
package data
