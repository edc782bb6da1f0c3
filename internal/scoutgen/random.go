package scoutgen

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"sort"
)

// Independent random streams. Each part of the output draws from its own
// PCG stream so that, for example, the roster does not change when the
// advancement content does, and noise can be switched on without changing
// the underlying records.
const (
	streamRoster     uint64 = 0x726f73746572 // "roster"
	streamTroop      uint64 = 0x74726f6f70   // "troop": unit number, leaders
	streamNoise      uint64 = 0x6e6f697365   // "noise": which scouts carry which noise
	streamScout      uint64 = 0x73636f7574   // + scout index: one scout's records
	streamScoutNoise uint64 = 0x73636e7a0000 // + scout index: one scout's row-level noise
)

// newRand returns a deterministic generator for (seed, stream).
func newRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), stream))
}

// hashKey hashes its parts (FNV-1a, with a separator) into a stream number,
// so reference structures such as a badge version's requirement IDs are
// derived from their names alone, identical for every scout and every seed.
func hashKey(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		_, _ = h.Write([]byte(p)) // hash.Hash never returns an error
		_, _ = h.Write([]byte{0})
	}
	return h.Sum64()
}

// weighted is a discrete distribution over indices 0..n-1.
type weighted struct {
	cumulative []float64
}

// newWeighted builds a distribution from non-negative weights (at least one
// positive).
func newWeighted(weights []float64) weighted {
	cum := make([]float64, len(weights))
	total := 0.0
	for i, w := range weights {
		total += w
		cum[i] = total
	}
	return weighted{cumulative: cum}
}

// draw returns an index with probability proportional to its weight; an
// index of weight zero is never returned.
func (w weighted) draw(r *rand.Rand) int {
	n := len(w.cumulative)
	x := r.Float64() * w.cumulative[n-1]
	i := sort.Search(n, func(i int) bool { return w.cumulative[i] > x })
	if i == n { // only reachable through rounding
		i = n - 1
	}
	return i
}

// sampleWeighted draws k distinct indices from weights without replacement,
// each step choosing among the remaining indices in proportion to their
// weights (Efraimidis-Spirakis keys). The result is in draw order.
func sampleWeighted(r *rand.Rand, weights []float64, k int) []int {
	type keyed struct {
		key float64
		idx int
	}
	keys := make([]keyed, 0, len(weights))
	for i, w := range weights {
		if w <= 0 {
			continue
		}
		u := r.Float64()
		for u == 0 {
			u = r.Float64()
		}
		keys = append(keys, keyed{key: math.Log(u) / w, idx: i})
	}
	sort.Slice(keys, func(a, b int) bool {
		if keys[a].key != keys[b].key {
			return keys[a].key > keys[b].key
		}
		return keys[a].idx < keys[b].idx
	})
	if k > len(keys) {
		k = len(keys)
	}
	out := make([]int, k)
	for i := range out {
		out[i] = keys[i].idx
	}
	return out
}

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool {
	return r.Float64() < p
}

// between returns a uniformly random int in [lo, hi].
func between(r *rand.Rand, lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

// pick returns a random element of a non-empty slice.
func pick[T any](r *rand.Rand, items []T) T {
	return items[r.IntN(len(items))]
}
