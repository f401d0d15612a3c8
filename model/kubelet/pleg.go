package kubelet

// relist is GenericPLEG.Relist: it compares each container's state with the
// previous relist and, for every pod in which something changed, updates the
// pod cache and asks the pod's worker for a sync. Then it releases workers
// waiting for a cache newer than their last sync.
func (k *Kubelet) relist() {
	k.lastRelist = k.e.Now()
	if k.runtimeChanged || k.cfg.Straightforward {
		k.runtimeChanged = false
		k.compareRuntime()
	}
	k.relistDone()
}

// compareRuntime is the body of a relist: the comparison of every
// container's state with the cache.
func (k *Kubelet) compareRuntime() {
	for _, ps := range k.podOrder {
		changed := false
		for i, c := range ps.containers {
			in := c.newest()
			old := ps.cache[i]
			var st runtimeStatus
			if in != nil {
				st = runtimeStatus{inst: in, running: in.running, finishedAt: in.finishedAt}
			}
			if st != old {
				ps.cache[i] = st
				changed = true
				ps.statusInputsChanged()
			}
		}
		if changed {
			k.updatePod(ps)
		}
	}
}
