package augment

import "math"

// Fast standard-normal float32 samples by the ziggurat method (Marsaglia and
// Tsang 2000, "The Ziggurat Method for Generating Random Variables", J. Stat.
// Softw. 5(8)) with 256 layers. Each sample uses 32 independent random bits:
// 8 choose the layer, 1 the sign and 23 the magnitude (so layer and value are
// not correlated, the flaw Doornik 2005 found in the original RNOR). About
// 99.3% of samples take the fast path: one compare and one multiply.

const (
	zigR      = 3.6541528853610088 // start of the tail
	zigV      = 4.92867323399e-3   // area of each layer
	zigLayers = 256
	zigSign   = zigLayers // the sign bit, above the layer bits
	zigShift  = 9         // magnitude = u >> zigShift
	zigScale  = 1 << (32 - zigShift)
)

var (
	zigK [zigLayers]uint32  // accept magnitude m outright if m < zigK[i]
	zigW [zigLayers]float32 // x = m * zigW[i]
	zigF [zigLayers]float64 // density at the layer edges
)

func init() {
	dn, tn := zigR, zigR
	q := zigV / math.Exp(-0.5*dn*dn)
	zigK[0] = uint32(dn / q * zigScale)
	zigK[1] = 0
	zigW[0] = float32(q / zigScale)
	zigW[zigLayers-1] = float32(dn / zigScale)
	zigF[0] = 1
	zigF[zigLayers-1] = math.Exp(-0.5 * dn * dn)
	for i := zigLayers - 2; i >= 1; i-- {
		dn = math.Sqrt(-2 * math.Log(zigV/dn+math.Exp(-0.5*dn*dn)))
		zigK[i+1] = uint32(dn / tn * zigScale)
		tn = dn
		zigF[i] = math.Exp(-0.5 * dn * dn)
		zigW[i] = float32(dn / zigScale)
	}
}

// normal32 turns 32 random bits into a standard normal sample; w supplies
// more bits on the rare slow path. The sign is applied without a branch: a
// random sign bit would mispredict half the time.
func normal32(u uint32, w *wyrand) float32 {
	i := u & (zigLayers - 1)
	if m := u >> zigShift; m < zigK[i] {
		return math.Float32frombits(math.Float32bits(float32(m)*zigW[i]) | (u&zigSign)<<(31-8))
	}
	return normalSlow(u, w)
}

func normalSlow(u uint32, w *wyrand) float32 {
	for {
		i := u & (zigLayers - 1)
		m := u >> zigShift
		neg := u&zigSign != 0
		if m < zigK[i] {
			x := float32(m) * zigW[i]
			if neg {
				x = -x
			}
			return x
		}
		var x float64
		if i == 0 {
			// Tail beyond zigR (Marsaglia 1964).
			for {
				x = -math.Log(unit(w)) / zigR
				y := -math.Log(unit(w))
				if y+y >= x*x {
					break
				}
			}
			x += zigR
		} else {
			x = float64(m) * float64(zigW[i])
			if zigF[i]+unit(w)*(zigF[i-1]-zigF[i]) >= math.Exp(-0.5*x*x) {
				u = uint32(w.next())
				continue
			}
		}
		if neg {
			x = -x
		}
		return float32(x)
	}
}

// unit returns a uniform float64 in (0, 1].
func unit(w *wyrand) float64 {
	return float64(w.next()>>11+1) * (1.0 / (1 << 53))
}

// addNormal adds std * N(0,1) to every element of src, writing dst (dst and
// src may be the same slice), with bits from a wyrand seeded by seed. The
// fast path of normal32 is written out here so that it is inlined.
func addNormal(dst, src []float32, std float32, seed uint64) {
	w := wyrand{s: seed}
	src = src[:len(dst)]
	half := len(dst) &^ 1
	for i := 0; i < half; i += 2 {
		r := w.next()
		u0, u1 := uint32(r), uint32(r>>32)
		var z0, z1 float32
		if m := u0 >> zigShift; m < zigK[u0&(zigLayers-1)] {
			z0 = math.Float32frombits(math.Float32bits(float32(m)*zigW[u0&(zigLayers-1)]) | (u0&zigSign)<<(31-8))
		} else {
			z0 = normalSlow(u0, &w)
		}
		if m := u1 >> zigShift; m < zigK[u1&(zigLayers-1)] {
			z1 = math.Float32frombits(math.Float32bits(float32(m)*zigW[u1&(zigLayers-1)]) | (u1&zigSign)<<(31-8))
		} else {
			z1 = normalSlow(u1, &w)
		}
		dst[i] = src[i] + std*z0
		dst[i+1] = src[i+1] + std*z1
	}
	if half < len(dst) {
		dst[half] = src[half] + std*normal32(uint32(w.next()), &w)
	}
}
