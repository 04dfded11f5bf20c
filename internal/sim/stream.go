package sim

import (
	"hash/fnv"
	"math/rand/v2"
)

// streamKey derives the key of the random streams of one model element
// (kind "scenario" or "actor") under a seed. Keys depend on the element's
// id, not its position, so adding or reordering scenarios does not change
// the random numbers any other scenario sees.
func streamKey(seed uint64, kind, id string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write([]byte(id))
	return splitmix64(seed ^ splitmix64(h.Sum64()))
}

// splitmix64 is the finaliser of SplitMix64 (Steele, Lea and Flood, 2014),
// a bijective mixer of 64-bit values.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// stream is a random generator that is re-seeded for every (key, trial):
// every trial of every scenario has its own stream, so a trial's numbers do
// not depend on which core ran it, on the block it fell in, or on how many
// numbers earlier trials consumed. That makes runs bit-reproducible on any
// number of cores, lets blocks run anywhere, and keeps common random numbers
// aligned across what-if runs.
type stream struct {
	pcg *rand.PCG
	*rand.Rand
}

func newStream() stream {
	p := rand.NewPCG(0, 0)
	return stream{pcg: p, Rand: rand.New(p)}
}

// at positions the stream at the start of trial t of the element with key.
func (s stream) at(key uint64, t int64) {
	s.pcg.Seed(key, splitmix64(uint64(t)^key))
}
