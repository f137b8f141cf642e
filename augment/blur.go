package augment

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// GaussianBlur blurs with a separable Gaussian kernel of fixed odd size whose
// sigma is uniform in a range (SimCLR blurs with a kernel 10% of the image
// side and sigma in [0.1, 2]), using reflect padding at the borders as
// torchvision's GaussianBlur. Shape preserving.
type GaussianBlur struct {
	size  int
	sigma [2]float64
}

// MaxBlurKernel is the largest kernel size [NewGaussianBlur] accepts.
const MaxBlurKernel = 63

// NewGaussianBlur returns a blur with an odd kernel size in [1, MaxBlurKernel]
// and sigma range within (0, 100].
func NewGaussianBlur(size int, sigma [2]float64) (*GaussianBlur, error) {
	if size < 1 || size > MaxBlurKernel || size%2 == 0 {
		return nil, fmt.Errorf("augment: GaussianBlur: kernel size %d must be odd and in [1, %d]", size, MaxBlurKernel)
	}
	if err := checkRange("GaussianBlur", "sigma", sigma, 1e-6, 100); err != nil {
		return nil, err
	}
	return &GaussianBlur{size: size, sigma: sigma}, nil
}

// OutShape returns in.
func (g *GaussianBlur) OutShape(in Shape) Shape { return in }

// Apply draws sigma and blurs.
func (g *GaussianBlur) Apply(rng *rand.Rand, dst, src []float32, s Shape) {
	check("GaussianBlur", dst, src, s, s)
	Blur(dst, src, s, g.size, uniform(rng, g.sigma[0], g.sigma[1]))
}

// Blur convolves every channel with the normalised size x size Gaussian of
// standard deviation sigma, as a row pass then a column pass, reflecting at
// the borders (index -1 reads 1, index n reads n-2). dst and src must not
// overlap.
func Blur(dst, src []float32, s Shape, size int, sigma float64) {
	check("Blur", dst, src, s, s)
	if size < 1 || size > MaxBlurKernel || size%2 == 0 || !(sigma > 0) {
		panic(fmt.Sprintf("augment: Blur: kernel size %d (odd, <= %d) and sigma %g (> 0) invalid", size, MaxBlurKernel, sigma))
	}
	var k [MaxBlurKernel]float32
	r := size / 2
	var sum float64
	for i := -r; i <= r; i++ {
		v := math.Exp(-float64(i*i) / (2 * sigma * sigma))
		k[i+r] = float32(v)
		sum += v
	}
	for i := 0; i < size; i++ {
		k[i] = float32(float64(k[i]) / sum)
	}
	kk := k[:size]
	h, w := s.H, s.W
	tmp := getScratch(h * w)
	defer putScratch(tmp)
	t := *tmp
	for c := 0; c < s.C; c++ {
		sp := src[c*h*w : (c+1)*h*w]
		dp := dst[c*h*w : (c+1)*h*w]
		// Rows: sp -> t.
		for y := 0; y < h; y++ {
			row, out := sp[y*w:(y+1)*w], t[y*w:(y+1)*w]
			for x := range out {
				var acc float32
				if x-r >= 0 && x+r < w {
					win := row[x-r : x+r+1]
					for j, kv := range kk {
						acc += kv * win[j]
					}
				} else {
					for j, kv := range kk {
						acc += kv * row[reflect(x+j-r, w)]
					}
				}
				out[x] = acc
			}
		}
		// Columns: t -> dp, one output row at a time.
		for y := 0; y < h; y++ {
			out := dp[y*w : (y+1)*w]
			clear(out)
			for j, kv := range kk {
				in := t[reflect(y+j-r, h)*w:]
				in = in[:w]
				for x := range out {
					out[x] += kv * in[x]
				}
			}
		}
	}
}

// reflect maps any index into [0, n) by mirroring about the end pixels.
func reflect(i, n int) int {
	if n == 1 {
		return 0
	}
	p := 2 * (n - 1)
	i %= p
	if i < 0 {
		i += p
	}
	if i >= n {
		i = p - i
	}
	return i
}
