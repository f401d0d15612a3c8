//go:build indexcheck

package controller

// checkPodIndex makes every ReplicaSet status computed from the pod index
// be checked against a scan of every pod (podindex_scan.go).
const checkPodIndex = true
