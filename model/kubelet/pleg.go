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
		changed := ps.compareContainers(ps.inits, ps.initCache)
		if ps.compareContainers(ps.containers, ps.cache) {
			changed = true
		}
		if changed {
			k.updatePod(ps)
		}
	}
}

// compareContainers brings cache, the PLEG cache of cs, up to date with the
// runtime and reports whether anything changed.
func (ps *podState) compareContainers(cs []*containerState, cache []runtimeStatus) bool {
	changed := false
	for i, c := range cs {
		in := c.newest()
		var st runtimeStatus
		if in != nil {
			st = runtimeStatus{inst: in, running: in.running, finishedAt: in.finishedAt}
		}
		if st != cache[i] {
			cache[i] = st
			changed = true
			ps.statusInputsChanged()
		}
	}
	return changed
}
