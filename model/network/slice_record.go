package network

import (
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/model/store"
)

// sliceNameLetters is utilrand's alphabet, the letters of generated names.
const sliceNameLetters = "bcdfghjklmnpqrstvwxz2456789"

// recordSlice records the Service's EndpointSlice as the EndpointSlice
// controller writes it (Options.RecordObjects): one IPv4 slice named
// "<service>-<5 letters>" (generateName), labelled with the Service's name,
// its endpoints in pod-name order. A Service without endpoints keeps a
// placeholder slice with no ports, as the reconciler leaves one.
// Endpoints whose pods resolve the Service's ports differently would go
// to separate slices in a real cluster; here they share one, with the
// ports of the first endpoint.
func (n *Network) recordSlice(s *serviceState) {
	change := store.Modified
	if s.sliceName == "" {
		if s.deleted {
			return
		}
		r := n.rand("network/endpointslice-names")
		b := make([]byte, 5)
		for i := range b {
			b[i] = sliceNameLetters[r.IntN(len(sliceNameLetters))]
		}
		s.sliceName = s.name + "-" + string(b)
		s.sliceCreated = n.e.Now()
		change = store.Added
	}
	if s.deleted {
		change = store.Deleted
	}
	es := discoveryv1.EndpointSlice{
		TypeMeta: metav1.TypeMeta{APIVersion: "discovery.k8s.io/v1", Kind: "EndpointSlice"},
		ObjectMeta: metav1.ObjectMeta{
			Name: s.sliceName, Namespace: s.ns,
			CreationTimestamp: store.WallSeconds(s.sliceCreated),
			Labels: map[string]string{
				discoveryv1.LabelServiceName: s.name,
				discoveryv1.LabelManagedBy:   "endpointslice-controller.k8s.io",
			},
		},
		AddressType: discoveryv1.AddressTypeIPv4,
		Endpoints:   []discoveryv1.Endpoint{},
	}
	for i := range s.slice {
		ep := &s.slice[i]
		ready, serving, terminating := ep.Ready, ep.Serving, ep.Terminating
		node := ep.Node
		es.Endpoints = append(es.Endpoints, discoveryv1.Endpoint{
			Addresses:  []string{ep.IP},
			Conditions: discoveryv1.EndpointConditions{Ready: &ready, Serving: &serving, Terminating: &terminating},
			NodeName:   &node,
			TargetRef:  &corev1.ObjectReference{Kind: "Pod", Namespace: s.ns, Name: ep.Pod, UID: ep.UID},
		})
	}
	if len(s.slice) > 0 && s.svc != nil {
		for i, sp := range s.svc.Spec.Ports {
			if i >= len(s.slice[0].Ports) {
				break
			}
			name, proto, port := sp.Name, sp.Protocol, s.slice[0].Ports[i]
			es.Ports = append(es.Ports, discoveryv1.EndpointPort{Name: &name, Protocol: &proto, Port: &port})
		}
	}
	data, err := json.Marshal(&es)
	if err != nil {
		panic(fmt.Sprintf("network: encoding EndpointSlice %s: %v", s.sliceName, err))
	}
	n.log.Add(n.e.Now(), record.KindSnapshot, &record.Snapshot{
		Header: record.Header{Object: "EndpointSlice/" + s.sliceName}, Change: change.String(), Value: data,
	})
}
