// Package loss holds contrastive and metric-learning objectives, composed from
// parts as in pytorch-metric-learning (Musgrave et al. 2020, arXiv 2003.08505):
// a loss takes embeddings (batch, dim) and labels or two views, a distance from
// package distance, and optionally a miner's index tuples from package miner.
//
// # Losses
//
//   - Contrastive: pairwise margin loss (Hadsell, Chopra & LeCun 2006).
//   - Triplet: triplet margin loss, hard or soft margin (Schroff et al. 2015, arXiv 1503.03832).
//   - NTXent: normalised temperature-scaled cross-entropy of SimCLR (Chen et al. 2020, arXiv 2002.05709).
//   - SupCon: supervised contrastive loss (Khosla et al. 2020, arXiv 2004.11362).
//   - InfoNCE: query/key form with label-defined positives, the shared mechanism of
//     the three above and of MoCo's queue of negatives (He et al. 2020, arXiv 1911.05722).
//   - SampledSoftmax: in-batch softmax with a per-key logit offset, for the logQ
//     popularity correction of two-tower recommenders (Yi et al. 2019).
//   - NegCosine (SimSiam; BYOL's normalised MSE), BarlowTwins and VICReg: the
//     objectives without negatives.
//   - CoSENT: the ranking loss for scored sentence pairs (Su 2022).
//
// # Memory
//
// The softmax losses compute their (rows, keys) similarity table in row chunks
// under a memory budget and recompute it in the backward pass, so a batch of
// 8192 views never holds an 8192 x 8192 table of gradients (and one chunk, not
// the whole table, is held when the table does not fit the budget).
package loss
