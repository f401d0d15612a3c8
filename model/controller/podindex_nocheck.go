//go:build !indexcheck

package controller

// checkPodIndex is off in ordinary builds; see podindex_scan.go.
const checkPodIndex = false
