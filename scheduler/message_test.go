package scheduler

import "testing"

// TestMessage pins the FailedScheduling message per release: FitError.Error
// (framework/types.go; core/generic_scheduler.go in 1.11 and 1.20) with its
// reasons histogram sorted as strings, and from 1.24 the default preemption
// plugin's FitError after "preemption: " (defaultpreemption
// default_preemption.go "No preemption victims found for incoming pod";
// preemption.go "Preemption is not helpful for scheduling" for nodes no
// eviction could fix), appended with " %v." in 1.26 (a doubled period) and
// " %v" in 1.30.
func TestMessage(t *testing.T) {
	cpu := verdict{reasons: []string{"Insufficient cpu"}}
	cpuMem := verdict{reasons: []string{"Insufficient cpu", "Insufficient memory"}}
	taint := verdict{reasons: []string{"node(s) had untolerated taint(s)"}, unresolvable: true}
	tests := []struct {
		release string
		fe      fitError
		want    string
	}{
		{"1.36", fitError{3, []verdict{cpu, cpu, cpu}},
			"0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."},
		{"1.30", fitError{3, []verdict{cpu, cpuMem, taint}},
			"0/3 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint(s), 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod."},
		{"1.26", fitError{3, []verdict{cpu, cpu, cpu}},
			"0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.."},
		{"1.21", fitError{3, []verdict{cpu, cpu, cpu}}, "0/3 nodes are available: 3 Insufficient cpu."},
		{"1.11", fitError{2, []verdict{cpuMem, cpu}}, "0/2 nodes are available: 1 Insufficient memory, 2 Insufficient cpu."},
		{"1.36", fitError{12, []verdict{cpu, cpu, cpu, cpu, cpu, cpu, cpu, cpu, cpu, cpu, taint, taint}},
			"0/12 nodes are available: 10 Insufficient cpu, 2 node(s) had untolerated taint(s). preemption: 0/12 nodes are available: 10 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling."},
		{"1.36", fitError{0, nil}, "no nodes available to schedule pods"},
		{"1.1", fitError{2, []verdict{cpu, cpu}}, "Failed for reason PodFitsResources and possibly others"},
	}
	for _, tc := range tests {
		t.Run(tc.release, func(t *testing.T) {
			if got := tc.fe.message(profile(tc.release)); got != tc.want {
				t.Errorf("message:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}
