// Package eval measures the quality of embeddings honestly: query and
// reference sets are kept apart (or one set is scored leave-one-out), every
// hyper-parameter choice is made on training or validation data, never on the
// test set, and every metric is checked against a naive implementation in the
// tests.
//
// Embeddings are plain row-major float32 matrices, Matrix{Rows, Cols, Data}
// of shape (n, d); labels are []int (any values), scores []float64, binary
// targets []bool. Inputs come from outside, so malformed ones (wrong lengths,
// empty sets, NaN) return errors wrapping ErrShape, ErrEmpty, ErrNonFinite,
// ErrConfig or ErrUndefined; test with errors.Is. Heavy products run through
// internal/kernels.Sgemm, chunked so that memory stays bounded, and in
// parallel through kernels.Parallel; results do not depend on GOMAXPROCS.
//
// # Nearest-neighbour classification
//
// KNNClassify, KNNEvaluate and KNNEvaluateSelf implement weighted kNN (Wu et
// al. 2018, "Unsupervised Feature Learning via Non-Parametric Instance
// Discrimination", arXiv 1805.01978; the kNN monitor of SimCLR/MoCo/DINO
// code): cosine similarity on L2-normalised features, the top K references
// vote exp(s/T) for their class, defaults K = 200, T = 0.1. The score matrix
// is computed a chunk of queries at a time (32 MiB), and the top K are picked
// with a bounded heap.
//
// # Linear probe
//
// LinearProbe fits multinomial logistic regression on frozen, standardised
// features with L2 regularisation by full-batch L-BFGS (Liu & Nocedal 1989)
// and reports train and test accuracy (the linear evaluation protocol of
// SimCLR, Chen et al. 2020, arXiv 2002.05709). LinearProbeSweep picks the L2
// strength on a seeded validation split of the training set.
//
// # Retrieval
//
// Retrieval and RetrievalSelf report Precision@1, R-Precision and MAP@R of
// Musgrave, Belongie & Lim 2020, "A Metric Learning Reality Check" (arXiv
// 2003.08505), and Recall@k (Song et al. 2016, arXiv 1511.06452), with cosine,
// inner-product or Euclidean ranking.
//
// # Clustering
//
// KMeans is Lloyd's algorithm with greedy k-means++ seeding (Arthur &
// Vassilvitskii 2007). NMI (arithmetic normalisation), AMI (Vinh, Epps &
// Bailey 2010, JMLR 11, adjusted for chance with the exact expected mutual
// information), AdjustedRand (Hubert & Arabie 1985) and MutualInfo compare
// two labelings, e.g. k-means clusters of embeddings with the true classes.
//
// # Correlation, ranking and verification
//
// Pearson and Spearman (average ranks for ties) correlate similarities with
// human judgements. ROCAUC (the Mann-Whitney statistic, ties count 1/2),
// ROCCurve and AveragePrecision score binary decisions; CompareAUC tests
// whether two scores of the same records differ in AUROC (DeLong et al.
// 1988: the difference, its standard error and a p-value). CalibrateThreshold
// picks the distance threshold that maximises F1 on validation pairs, and
// Verify / CalibratedVerify report accuracy, precision, recall and F1 at it on
// test pairs.
//
// # Collapse monitors
//
// For training-time health checks: NormalizedStd (the SimSiam monitor of Chen
// & He 2020, arXiv 2011.10566: ~1/sqrt(d) when healthy, 0 when collapsed),
// EffectiveRank (Roy & Vetterli 2007), and Alignment and Uniformity (Wang &
// Isola 2020, arXiv 2005.10242). Collapse bundles the three single-set ones.
//
// # Visualisation
//
// PCA projects onto leading principal components (PCA(x, 2) for plots), and
// TSNE computes an exact, seeded 2-D t-SNE (van der Maaten & Hinton 2008) for
// up to MaxTSNEPoints points.
package eval
