package augment

import (
	"math/bits"
	"math/rand/v2"
)

// splitmix64 is Steele et al.'s 64-bit finaliser (SplitMix64), used to turn
// structured keys (seed, example, view) into well-spread PCG states.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// seedView seeds pcg with the stream of view v of example i under seed, so a
// view's random draws depend only on (seed, i, v), not on which worker makes it.
func seedView(pcg *rand.PCG, seed uint64, i, v int) {
	hi := splitmix64(seed ^ splitmix64(uint64(i)))
	lo := splitmix64(hi ^ splitmix64(uint64(v)+0x5851f42d4c957f2d))
	pcg.Seed(hi, lo)
}

// wyrand is Wang Yi's wyrand generator: one add and one 64x64->128 multiply
// per output, inlined into hot loops (Gaussian noise). It is seeded from the
// caller's *rand.Rand, so results stay a function of that stream.
type wyrand struct{ s uint64 }

func (w *wyrand) next() uint64 {
	w.s += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(w.s, w.s^0xe7037ed1a0b428db)
	return hi ^ lo
}
