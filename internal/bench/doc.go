// Package bench runs the side-by-side workloads of ../shared/bench/README.md
// (W1 SimCLR ConvNet, W2 triplet MLP, W3 Siamese MLP, W4 inference, sgemm) and
// times them exactly as pytorch_reference.py does, writing the same JSON keys, so
// that compare.sh can put contrast and PyTorch side by side in one run.
package bench
