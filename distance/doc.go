// Package distance holds the pairwise distances and similarities that losses and
// miners are built from, as differentiable ops on an ag.Tape.
//
// # Distances
//
// Euclidean, SquaredEuclidean, Cosine (similarity of L2-normalised rows) and Dot
// (inner product). Matrix gives the (n, m) table between the rows of a (n, d) and
// b (m, d); Pairs gives the n values between matching rows. Similarity reports
// whether larger means closer, so that losses written once work with either
// kind (as in pytorch-metric-learning, Musgrave et al. 2020, arXiv 2003.08505).
package distance
