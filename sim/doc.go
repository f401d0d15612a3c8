// Package sim is the deterministic discrete-event kernel of probesim.
//
// An Engine owns a virtual clock and a queue of events. Each event has a time,
// a Kind and a function to call. The engine fires events one at a time, on the
// calling goroutine, in the order (time, phase, seq): time first; then the
// phase of the event's Kind, which orders work that is simultaneous by nature
// (a container's exit before the kubelet sync that observes it); then seq, the
// order in which the events were scheduled. The order is therefore a pure
// function of what was scheduled, and a run is reproducible to the byte.
//
// Time is integer nanoseconds since the start of the run. The kernel never
// reads the wall clock; Pacer, which slows a run down to be watched, is the
// only part that touches real time, and it does so through the small Clock
// interface.
//
// Randomness comes from named streams (Engine.Rand): each name gives an
// independent PCG generator derived from the run's seed and the name, so a new
// random draw in one component never shifts the numbers of another.
//
// Timer and Ticker are built on the queue. Ticker reproduces the behaviour of
// a Go time.Ticker read by a goroutine that does work between reads: one tick
// is kept while the reader is busy, the rest are dropped, and the grid of tick
// times is preserved.
//
// The queue is a binary heap with two aids that change no order: the least
// entry is held in front of the heap when it arrives as the least, and ticks,
// which arrive in the order they fire among tickers of one period and phase,
// wait in a FIFO lane per (period, phase) instead of the heap.
package sim
