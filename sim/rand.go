package sim

import "math/rand/v2"

// Rand returns the random stream with the given name, creating it on first
// use. A stream is a PCG generator whose state derives from the engine's seed
// and the name alone, so the numbers one component draws never depend on how
// many another has drawn, or on the order in which streams were created.
// Names are paths such as "kubelet/node-1/pleg".
//
// The returned generator belongs to the engine's goroutine like everything
// else; keep it rather than looking it up for every draw.
func (e *Engine) Rand(name string) *rand.Rand {
	if r, ok := e.streams[name]; ok {
		return r
	}
	r := NewStream(e.seed, name)
	e.streams[name] = r
	return r
}

// NewStream returns the stream an engine with the given seed would return for
// name. It is for code that draws outside an engine, such as tests and sweep
// planners.
func NewStream(seed uint64, name string) *rand.Rand {
	h1, h2 := fnv64a(name, 0xcbf29ce484222325), fnv64a(name, 0x84222325cbf29ce4)
	return rand.New(rand.NewPCG(splitmix64(seed^h1), splitmix64(splitmix64(seed)^h2)))
}

func fnv64a(s string, h uint64) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 0x100000001b3
	}
	return h
}

// splitmix64 is the finaliser of SplitMix64; it spreads nearby seeds far apart.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
