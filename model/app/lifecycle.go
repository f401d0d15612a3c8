package app

import "github.com/probesim/probesim/sim"

// Signal delivers sig to the process at time at and returns its reaction.
// KILL ends the process at once with 137, whatever its state. STOP freezes
// it: requests queue, its own timers (exit after, memory growth, a pending
// signal's delay) stand still, and Exit reports nothing until CONT resumes
// it. Any other signal has the reaction the description gives (onSIGTERM,
// signals) or its default: TERM and INT exit with 128+n at once, the others
// have no effect. A reaction to a signal received while stopped runs after
// CONT. Replies already given are not changed by a later signal.
func (in *Instance) Signal(at sim.Time, sig Signal) Reaction {
	if at >= in.death() && !in.stopped {
		return Reaction{Effect: Ignored, At: sim.Never}
	}
	switch sig {
	case SIGKILL:
		in.stopped, in.pending, in.queued = false, nil, in.queued[:0]
		in.sigExit, in.sigCode = at, 128+int(SIGKILL)
		return Reaction{Effect: Exits, At: at, Code: in.sigCode}
	case SIGSTOP:
		if !in.stopped {
			in.stopped, in.stoppedAt = true, at
		}
		return Reaction{Effect: Stopped, At: sim.Never}
	case SIGCONT:
		if !in.stopped {
			return Reaction{Effect: Ignored, At: sim.Never}
		}
		in.resume(at)
		return Reaction{Effect: Continued, At: sim.Never}
	}
	re := in.b.reaction(sig)
	if re.ignore {
		return Reaction{Effect: Ignored, At: sim.Never}
	}
	if in.stopped {
		if in.pending == nil {
			in.pending = &re
		}
		return Reaction{Effect: Exits, At: sim.Never, Code: re.code}
	}
	t := addSat(at, re.after.Draw(in.r))
	in.exitBySignal(t, re.code)
	return Reaction{Effect: Exits, At: t, Code: re.code}
}

// exitBySignal records that the process ends at t with code, unless a
// signal ends it earlier.
func (in *Instance) exitBySignal(t sim.Time, code int) {
	if t < in.sigExit {
		in.sigExit, in.sigCode = t, code
	}
}

// resume ends a SIGSTOP at t: the process's own deadlines and busy slots
// move later by the time it stood still; queued requests take slots; a
// signal reaction that waited starts now.
func (in *Instance) resume(t sim.Time) {
	shift := t.Sub(in.stoppedAt)
	in.stopped = false
	later := func(x sim.Time) sim.Time {
		if x == sim.Never || x < in.stoppedAt {
			return x
		}
		if y := x.Add(shift); y >= x {
			return y
		}
		return sim.Never
	}
	in.selfExit = later(in.selfExit)
	in.sigExit = later(in.sigExit)
	for i := range in.slots {
		in.slots[i] = later(in.slots[i])
	}
	if re := in.pending; re != nil {
		in.pending = nil
		in.exitBySignal(addSat(t, re.after.Draw(in.r)), re.code)
	}
	death := in.death()
	for _, q := range in.queued {
		slot, begin := in.slot(t)
		end := sim.Never
		if !q.hang {
			end = addSat(begin, q.latency)
		}
		in.take(slot, min(end, death))
	}
	in.queued = in.queued[:0]
}

// reaction returns b's reaction to a catchable signal.
func (b *Behavior) reaction(sig Signal) reaction {
	if sig == SIGTERM && b.onSIGTERM != nil {
		return *b.onSIGTERM
	}
	if re, ok := b.signals[sig]; ok {
		return re
	}
	return defaultReaction(sig)
}
