package data

import "math/rand/v2"

// Stream constants separate the random streams of the samplers and the loader,
// so that two components given the same seed do not draw the same numbers.
const (
	streamRandom uint64 = 0x52414e444f4d0001 + iota
	streamMPerClass
	streamPairs
	streamTriplets
	streamNoDup
	streamStratified
	streamLoader
)

// mix64 is the SplitMix64 finaliser (Steele et al. 2014): a bijection on uint64
// that spreads nearby inputs far apart.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// epochRand returns the generator of one (seed, stream, epoch): the batches of
// an epoch depend only on these, not on which epochs ran before.
func epochRand(seed, stream uint64, epoch int) *rand.Rand {
	return rand.New(rand.NewPCG(mix64(seed^stream), mix64(uint64(epoch)^mix64(stream))))
}

// exampleSeeds returns the PCG seeds of the example at position pos of an epoch.
func exampleSeeds(seed uint64, epoch, pos int) (uint64, uint64) {
	return mix64(seed ^ mix64(streamLoader+uint64(epoch))), mix64(uint64(pos) ^ 0xda942042e4dd58b5)
}
