// Package miner chooses which tuples of a batch a metric-learning loss looks at.
// Miners read a (n, n) table of distances or similarities (the values of the
// matrix the loss already computed, so nothing is computed twice) and the class
// labels, and return index tuples.
//
// # Miners
//
//   - BatchHard and BatchAll (Hermans, Beyer & Leibe 2017, arXiv 1703.07737).
//   - SemiHard (Schroff, Kalenichenko & Philbin 2015, FaceNet, arXiv 1503.03832).
//   - DistanceWeighted (Wu et al. 2017, arXiv 1706.07567).
//   - MultiSimilarity (Wang et al. 2019, arXiv 1904.06627).
//
// DistanceWeighted samples: its k-th call draws from rand.NewPCG(Seed, k); build
// it with NewDistanceWeighted and share it by pointer.
package miner
