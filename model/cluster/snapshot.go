package cluster

import (
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/store"
)

// snapshot records an API object as the store now holds it (Config.RecordObjects).
func (c *Cluster) snapshot(kind string, ev store.EventType, obj store.Object) {
	data, err := json.Marshal(obj)
	if err != nil {
		// Stored objects are plain API types; failing to encode one is a bug.
		panic(fmt.Sprintf("cluster: encoding %s/%s: %v", kind, obj.GetName(), err))
	}
	c.log.Add(c.engine.Now(), record.KindSnapshot, &record.Snapshot{
		Header: record.Header{Object: kind + "/" + obj.GetName()}, Change: ev.String(), Value: data,
	})
}

// allocateClusterIP gives a new ClusterIP, NodePort or LoadBalancer Service
// its virtual IP, as the API server's allocator does on creation: a free
// address drawn at random from the service network. The network is
// OpenShift's default, 172.30.0.0/16, beside the pod network 10.128.0.0/14
// the kubelets use. A headless Service (clusterIP: None), an ExternalName
// Service and one whose manifest names its IP keep theirs.
func (c *Cluster) allocateClusterIP(svc *corev1.Service) {
	if svc.Spec.ClusterIP != "" || svc.Spec.Type == corev1.ServiceTypeExternalName {
		if svc.Spec.ClusterIP != "" && len(svc.Spec.ClusterIPs) == 0 {
			svc.Spec.ClusterIPs = []string{svc.Spec.ClusterIP}
		}
		return
	}
	r := c.engine.Rand("apiserver/service-ip")
	for {
		// 172.30.0.1 is the kubernetes Service's; .0 and .255.255 are
		// the network and broadcast addresses the allocator skips.
		n := 2 + r.IntN(65534-2)
		ip := fmt.Sprintf("172.30.%d.%d", n>>8, n&0xff)
		if !c.clusterIPs[ip] {
			if c.clusterIPs == nil {
				c.clusterIPs = map[string]bool{}
			}
			c.clusterIPs[ip] = true
			svc.Spec.ClusterIP, svc.Spec.ClusterIPs = ip, []string{ip}
			return
		}
	}
}
