// Package train holds the contrastive learning methods and the trainer loop.
//
// # Methods
//
// Each method is a small file that wires an encoder, optional projection and
// prediction heads, the views it needs and a loss from package loss:
//
//   - simclr: two views, NT-Xent (Chen et al. 2020, arXiv 2002.05709)
//   - supcon: two views, supervised contrastive (Khosla et al. 2020, arXiv 2004.11362)
//   - moco: query/key encoders, momentum update, a queue of negatives (He et al. 2020, arXiv 1911.05722)
//   - byol: online predictor, EMA target, no negatives (Grill et al. 2020, arXiv 2006.07733)
//   - simsiam: predictor and stop-gradient (Chen & He 2021, arXiv 2011.10566)
//   - barlow: cross-correlation to identity (Zbontar et al. 2021, arXiv 2103.03230)
//   - vicreg: variance, invariance, covariance (Bardes et al. 2022, arXiv 2105.04906)
//   - triplet: mined triplets and a margin (Schroff et al. 2015; Hermans et al. 2017)
//   - siamese: balanced pairs and the contrastive loss (Hadsell, Chopra & LeCun 2006)
//
// # Training loop
//
// Run runs epochs or steps with a warm-up and cosine learning-rate schedule,
// gradient clipping, EMA updates, checkpoints (safetensors and the resolved
// config) every N steps and at the end, bit-for-bit resume, early stopping, and
// NaN/Inf detection that stops with the op's name and keeps the last good
// checkpoint. Every epoch it logs loss, learning rate, kNN accuracy on a held-out
// slice and collapse signals (Wang & Isola 2020) to metrics.jsonl.
package train
