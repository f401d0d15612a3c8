// Package api reads the manifests a user pastes below a scenario: it decodes
// one YAML document strictly into its typed object, applies the API server's
// defaults and validates the result with the API server's own messages.
//
// The kinds are Pod, Service and ReplicationController (v1), Deployment and
// ReplicaSet (apps/v1), and OpenShift's DeploymentConfig
// (apps.openshift.io/v1) and Route (route.openshift.io/v1). The Kubernetes
// kinds decode into k8s.io/api types; the OpenShift kinds decode into the
// small local types DeploymentConfig and Route, whose JSON field names are
// those oc writes.
//
// The usual sequence is Load, which runs the three steps the API server
// runs on a create:
//
//	obj, err := api.Load(doc)   // Decode, Default, Validate, Locate
//
// Decode reports every unknown field (with the closest valid name), every
// value of the wrong type and every malformed value at once, each with the
// line and column of the offending node and its path in Kubernetes form
// (spec.template.spec.containers[0].livenessProbe). Validate returns a
// field.ErrorList whose texts are those of the API server, for example
//
//	spec.template.spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1
//
// and Locate gives those errors the position of the value they name.
//
// The package also resolves a rolling update's maxSurge and maxUnavailable
// (ResolveFenceposts) and computes the pod-template-hash label
// (PodTemplateHash), both as the Deployment controller does.
//
// Nothing here reads files, the clock or the environment, and no input makes
// it panic.
package api
