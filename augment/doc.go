// Package augment implements seeded, composable data augmentations for
// contrastive learning: images (float32 CHW in [0,1]), token sequences, and
// tabular rows.
//
// # Images
//
// An image is one example, float32, channel-major (C, H, W) with C = 1 (grey)
// or C = 3 (RGB) and values in [0, 1], described by a [Shape]. Every image
// transform implements [Image]: it reads src of shape s and writes dst of shape
// OutShape(s), drawing all of its randomness from the *rand.Rand it is given.
// Transforms are immutable after construction and safe for concurrent use;
// they never allocate per call in steady state (scratch buffers come from a
// sync.Pool).
//
// Geometric: [RandomResizedCrop] (Szegedy et al. 2015, "Going deeper with
// convolutions", arXiv 1409.4842; the torchvision sampling), [PadCrop] (zero
// padding then a random crop back to size), [HorizontalFlip], [Affine]
// (rotation, translation, scale; bilinear), [Warp] (a smooth random
// displacement field, after Simard et al. 2003's elastic distortions).
// Photometric: [ColorJitter] (brightness, contrast, saturation, hue; grey
// images only get brightness and contrast), [Grayscale], [GaussianBlur]
// (separable), [GaussianNoise], [Solarize], [RandomErasing] (Zhong et al.
// 2017, arXiv 1708.04896), [Normalize]. Composition: [Compose], [RandomApply],
// [OneOf].
//
// # Views
//
// [MultiView] runs one pipeline per view: [NewTwoViews] for SimCLR-style pairs
// (Chen et al. 2020, arXiv 2002.05709) and [NewMultiCrop] for 2 global + V
// local crops (Caron et al. 2020, SwAV, arXiv 2006.09882). [Batch] fills
// (views, N, C, H, W) buffers from N float32 or uint8 images on all cores; the
// random stream of view v of example i is derived from (seed, i, v) only, so
// the output does not depend on the number of workers.
//
// # Text
//
// [Text] transforms act on token slices of any element type (ids or strings):
// [WordDropout], [SpanDeletion], [AdjacentSwap], [TokenMask], composed with
// [ComposeText].
//
// # Tabular
//
// [Row] transforms act on one record of d float32 features: [SCARF] (Bahri et
// al. 2022, arXiv 2106.15147) replaces a random subset of features with draws
// from each feature's empirical marginal ([Marginals], fit on an (n, d)
// training matrix), [RowNoise] adds Gaussian noise, [FeatureMask] overwrites
// random features with a constant; compose with [ComposeRows] and run over an
// (n, d) matrix on all cores with [ApplyRows].
//
// # Randomness
//
// Every transform takes a *rand.Rand (math/rand/v2) and draws nothing else,
// so a seed fixes its output. Gaussian samples come from a 256-layer float32
// ziggurat (Marsaglia and Tsang 2000) fed by a fast generator that is itself
// seeded from the rand.Rand: about 3x faster than NormFloat64, which
// dominated the cost of the W1 views.
//
// # Errors
//
// Constructors validate their parameters and return errors; [Must] turns
// such an error into a panic for static pipelines. Passing buffers whose
// lengths do not match the shape is a programming error and panics with a
// message starting "augment:".
package augment
