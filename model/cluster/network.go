package cluster

import (
	"github.com/probesim/probesim/model/network"
)

// startNetwork wires the service network onto the cluster: the endpoint
// controllers watch the store, and requests reach pods through the
// kubelet of each pod's node. New calls it once the kubelets exist.
func (c *Cluster) startNetwork(opts network.Options) *network.Network {
	return network.New(network.Config{
		Engine: c.engine, Store: c.store, Log: c.log, Profile: c.cfg.Profile,
		Backend: func(node string) network.Backend {
			if k := c.Kubelet(node); k != nil {
				return k
			}
			return nil
		},
		Options: opts,
	})
}
