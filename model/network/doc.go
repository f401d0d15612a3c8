// Package network models how traffic reaches pods: the EndpointSlice (and,
// on old releases, Endpoints) controller that turns a Service's selector and
// its pods' readiness into endpoints, the node data plane (kube-proxy's
// iptables or nftables rules) that applies those endpoints with its
// minSyncPeriod coalescing, the OpenShift router (HAProxy) that serves
// Routes with its own reload interval, and request generators that send
// traffic through either and count what comes back.
//
// Every hop has the latency and the batching of the real component, so that
// for a moment the data plane still routes to a pod that has begun
// terminating, or not yet to one that has just become ready. Each rule cites
// the Kubernetes or OpenShift source it follows; docs/network.md lists them
// with the releases they hold for.
//
// The package talks to the rest of the model the way the real components
// do: it watches pods and services in the store, and reaches a pod's process
// through the kubelet of the pod's node (Backend), as a packet reaches a pod
// IP.
package network
