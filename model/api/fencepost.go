package api

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/intstr"
)

// ResolveFenceposts resolves a rolling update's maxSurge and maxUnavailable
// against the desired replica count in one step, as
// pkg/controller/deployment/util/deployment_util.go ResolveFenceposts
// does: a percentage of surge rounds up, of unavailable rounds down, a nil
// value counts as 0, and if both come to 0 unavailable becomes 1 (so a
// rollout can always make progress). With 25%/25%: 1 replica gives 1/0, 3
// give 1/0, 4 give 1/1, 10 give 3/2. The DeploymentConfig deployer rounds
// the same way. It fails for a value that is neither an integer nor a
// percentage.
func ResolveFenceposts(maxSurge, maxUnavailable *intstr.IntOrString, desired int32) (surge, unavailable int32, err error) {
	zero := intstr.FromInt32(0)
	s, err := intstr.GetScaledValueFromIntOrPercent(intstr.ValueOrDefault(maxSurge, zero), int(desired), true)
	if err != nil {
		return 0, 0, fmt.Errorf("maxSurge: %w", err)
	}
	u, err := intstr.GetScaledValueFromIntOrPercent(intstr.ValueOrDefault(maxUnavailable, zero), int(desired), false)
	if err != nil {
		return 0, 0, fmt.Errorf("maxUnavailable: %w", err)
	}
	if s == 0 && u == 0 {
		u = 1
	}
	return int32(s), int32(u), nil
}
