package report

import (
	"encoding/json"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/probesim/probesim/model/api"
	"github.com/probesim/probesim/model/controller"
	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// StatusLine is one line `kubectl rollout status` prints, and the
// simulated time the Deployment change it reports was made.
type StatusLine struct {
	T    sim.Time
	Line string
	// Done is set on the last line of a finished watch: the rollout
	// succeeded, or (with Err) it failed.
	Done, Err bool
}

// RolloutStatus returns what `kubectl rollout status deployment/NAME`,
// started at time from, prints as the run goes
// (polymorphichelpers/rollout_status.go DeploymentStatusViewer, behind
// rollout status's watch): the status of the Deployment as it is at from,
// then a line for each later change of the Deployment the watch delivers
// (kubectl prints the status on every ADDED or MODIFIED event, even when
// the text is the same), until the rollout is done ("successfully rolled out") or has exceeded its
// progress deadline ("error: ..."). ok is false if there is no such
// Deployment at from.
//
// kind is "Deployment", or "DeploymentConfig" for `oc rollout status
// dc/NAME` (origin 3.11 DeploymentConfigStatusViewer).
func RolloutStatus(records []record.Record, kind, name string, from sim.Time) (lines []StatusLine, ok bool, err error) {
	object := kind + "/" + name
	var cur json.RawMessage
	emit := func(t sim.Time, raw json.RawMessage) (bool, error) {
		var msg string
		var done bool
		var err error
		switch kind {
		case "DeploymentConfig":
			var dc api.DeploymentConfig
			if err := json.Unmarshal(raw, &dc); err != nil {
				return true, fmt.Errorf("decoding the snapshot of %s: %w", object, err)
			}
			msg, done, err = controller.DCRolloutStatus(&dc)
		default:
			var d appsv1.Deployment
			if err := json.Unmarshal(raw, &d); err != nil {
				return true, fmt.Errorf("decoding the snapshot of %s: %w", object, err)
			}
			msg, done, err = controller.RolloutStatus(&d)
		}
		switch {
		case err != nil:
			lines = append(lines, StatusLine{T: t, Line: "error: " + err.Error(), Done: true, Err: true})
			return true, nil
		case done:
			lines = append(lines, StatusLine{T: t, Line: msg, Done: true})
			return true, nil
		default:
			lines = append(lines, StatusLine{T: t, Line: msg})
		}
		return false, nil
	}
	started := false
	for _, r := range records {
		s, isSnap := r.(*record.Snapshot)
		if !isSnap || s.Object != object {
			continue
		}
		t := sim.Time(s.T)
		if t <= from {
			cur = s.Value
			if s.Change == "DELETED" {
				cur = nil
			}
			continue
		}
		if !started {
			if cur == nil {
				return nil, false, nil
			}
			started = true
			if stop, err := emit(from, cur); stop || err != nil {
				return lines, true, err
			}
		}
		if s.Change == "DELETED" {
			// kubectl's watch ends with the object gone.
			lines = append(lines, StatusLine{T: t, Line: "error: object has been deleted", Done: true, Err: true})
			return lines, true, nil
		}
		if stop, err := emit(t, s.Value); stop || err != nil {
			return lines, true, err
		}
	}
	if !started {
		if cur == nil {
			return nil, false, nil
		}
		_, err := emit(from, cur)
		return lines, true, err
	}
	return lines, true, nil
}
