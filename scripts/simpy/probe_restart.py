#!/usr/bin/python3
"""The probe-and-restart workload of scripts/simpy/workload.yaml, in SimPy.

N pods, each with one container probed for liveness and readiness every
10 s by its own worker (first probe at a random phase of the period, as the
kubelet's workers start). /healthz answers 200 for the first 60 s of each
container and 500 after; /ready always 200. Three liveness failures in a
row kill the container (it exits at once on SIGTERM); the kubelet restarts
it at once or after the crash-loop back-off, by the rule of
model/kubelet/backoff.go (flowcontrol.Backoff: 10 s doubling to 300 s,
judged from the dead container's finish time, forgotten after 600 s; a
container killed in a sync is restarted in that sync unless the instance
before it died less than the back-off ago).

It is the same workload as probesim's, not the same model: no PLEG, sync
loop, pod status, events, API objects, log or hash; sub-second kubelet
delays are left out. It prints the probes and restarts it simulated, the
number of events and the wall and CPU time, as one line of key=value pairs
that scripts/simpy/compare reads.

Runs with Debian's python3-simpy (SimPy 2.3, `SimPy.Simulation`) and with
SimPy 3 or 4 (`simpy`), whichever is installed.

    /usr/bin/python3 scripts/simpy/probe_restart.py --pods 1000 --hours 1
"""

import argparse
import random
import time

PERIOD = 10.0
FAILURE_THRESHOLD = 3
HEALTHY_FOR = 60.0
BACKOFF_INITIAL = 10.0
BACKOFF_MAX = 300.0
BACKOFF_EXPIRY = 600.0


class Pod:
    """A pod's container and the kubelet's state about it."""

    def __init__(self):
        self.instance = 0
        self.running = False
        self.started_at = 0.0
        self.finished = []  # finish time of each instance
        self.backoff = None  # [backoff, last_update] or None
        self.live_failures = 0
        self.on_hold = False
        self.ready = False
        self.probes = 0
        self.restarts = 0

    def start(self, now):
        self.instance += 1
        if self.instance > 1:
            self.restarts += 1
        self.running = True
        self.started_at = now
        self.live_failures = 0
        self.on_hold = False

    def in_backoff(self, ts, now):
        e = self.backoff
        return e is not None and ts - e[1] <= BACKOFF_EXPIRY and now - ts < e[0]

    def next_backoff(self, ts, now):
        e = self.backoff
        if e is None or ts - e[1] > BACKOFF_EXPIRY:
            self.backoff = [BACKOFF_INITIAL, now]
        else:
            e[0] = min(2 * e[0], BACKOFF_MAX)
            e[1] = now

    def kill(self, now):
        """The liveness kill and the restart decision of the same sync.

        Returns the delay before the container starts again, or 0."""
        self.running = False
        self.ready = False
        self.finished.append(now)
        if self.instance == 1:
            return 0.0  # no earlier instance: no back-off, no Next
        ts = self.finished[-2]
        if self.in_backoff(ts, now):
            # Restarted by a later sync, once the back-off since this
            # instance's own finish has passed.
            ts = now
            wait = self.backoff[0]
            self.next_backoff(ts, now + wait)
            return wait
        self.next_backoff(ts, now)
        return 0.0


def run_simpy2(args, pods, rng):
    from SimPy.Simulation import Process, Simulation, hold

    sim = Simulation()
    sim.initialize()
    events = [0]

    class Restarter(Process):
        def run(self, pod, wait):
            events[0] += 1
            yield hold, self, wait
            pod.start(sim.now())

    class Worker(Process):
        def run(self, pod, liveness):
            yield hold, self, rng.random() * PERIOD
            while True:
                events[0] += 1
                now = sim.now()
                if pod.running and not (liveness and pod.on_hold):
                    pod.probes += 1
                    if liveness:
                        if now - pod.started_at < HEALTHY_FOR:
                            pod.live_failures = 0
                        else:
                            pod.live_failures += 1
                            if pod.live_failures >= FAILURE_THRESHOLD:
                                pod.on_hold = True
                                wait = pod.kill(now)
                                if wait == 0:
                                    pod.start(now)
                                else:
                                    r = Restarter(sim=sim)
                                    sim.activate(r, r.run(pod, wait))
                    else:
                        pod.ready = True
                yield hold, self, PERIOD

    for pod in pods:
        pod.start(0.0)
        for liveness in (True, False):
            w = Worker(sim=sim)
            sim.activate(w, w.run(pod, liveness))
    sim.simulate(until=args.hours * 3600.0)
    return events[0]


def run_simpy3(args, pods, rng):
    import simpy

    env = simpy.Environment()
    events = [0]

    def restarter(pod, wait):
        events[0] += 1
        yield env.timeout(wait)
        pod.start(env.now)

    def worker(pod, liveness):
        yield env.timeout(rng.random() * PERIOD)
        while True:
            events[0] += 1
            now = env.now
            if pod.running and not (liveness and pod.on_hold):
                pod.probes += 1
                if liveness:
                    if now - pod.started_at < HEALTHY_FOR:
                        pod.live_failures = 0
                    else:
                        pod.live_failures += 1
                        if pod.live_failures >= FAILURE_THRESHOLD:
                            pod.on_hold = True
                            wait = pod.kill(now)
                            if wait == 0:
                                pod.start(now)
                            else:
                                env.process(restarter(pod, wait))
                else:
                    pod.ready = True
            yield env.timeout(PERIOD)

    for pod in pods:
        pod.start(0.0)
        for liveness in (True, False):
            env.process(worker(pod, liveness))
    env.run(until=args.hours * 3600.0)
    return events[0]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pods", type=int, default=1000)
    p.add_argument("--hours", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    rng = random.Random(args.seed)
    pods = [Pod() for _ in range(args.pods)]
    try:
        import SimPy.Simulation  # noqa: F401  Debian's python3-simpy
        run, flavour = run_simpy2, "SimPy-2"
    except ImportError:
        run, flavour = run_simpy3, "simpy-3+"
    begin, cpu0 = time.perf_counter(), time.process_time()
    events = run(args, pods, rng)
    wall, cpu = time.perf_counter() - begin, time.process_time() - cpu0
    probes = sum(p.probes for p in pods)
    restarts = sum(p.restarts for p in pods)
    print("engine=%s pods=%d hours=%g probes=%d restarts=%d events=%d wall=%.3f cpu=%.3f events_per_cpu_s=%.0f"
          % (flavour, args.pods, args.hours, probes, restarts, events, wall, cpu, events / cpu))


if __name__ == "__main__":
    main()
