package ag

import "math"

// exp32 is e^x in float32 for the softmax family, about 3x faster than
// float32(math.Exp(float64(x))) and within 2 ulp of it: Cephes' expf range
// reduction x = k·ln2 + r, |r| <= ln2/2 (k rounded to nearest), a degree-6 polynomial for e^r, and
// 2^k assembled in the exponent bits. Results that would overflow or be
// subnormal (x > 88.37 or x < -87.33) take math.Exp, as do NaN and ±Inf.
func exp32(x float32) float32 {
	if !(x >= -87.33 && x <= 88.37) {
		return float32(math.Exp(float64(x)))
	}
	const (
		log2e = 1.44269504088896341
		c1    = 0.693359375
		c2    = -2.12194440e-4
		round = 12582912 // 1.5·2^23: adding and subtracting it rounds to an integer
	)
	k := (x*log2e + round) - round
	r := x - k*c1
	r -= k * c2
	p := float32(1.9875691500e-4)
	p = p*r + 1.3981999507e-3
	p = p*r + 8.3334519073e-3
	p = p*r + 4.1665795894e-2
	p = p*r + 1.6666665459e-1
	p = p*r + 5.0000001201e-1
	p = p*r*r + r + 1
	return p * math.Float32frombits(uint32(int32(k)+127)<<23)
}
