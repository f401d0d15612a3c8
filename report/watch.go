package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	corev1 "k8s.io/api/core/v1"

	"github.com/probesim/probesim/model/record"
	"github.com/probesim/probesim/sim"
)

// PodWatch turns a growing log into what `kubectl get pods -w` prints: a
// row for every change of every pod the API server would send on the
// watch (each Pod Snapshot record), AGE and RESTARTS read at the time of
// the change. kubectl flushes its tabwriter after each event, so the first
// row comes with the header and is aligned with it, and each later row is
// aligned only with itself (cells padded by 3 blanks, to at least 6).
type PodWatch struct {
	next   int
	minor  int
	header bool
}

// Lines returns the output for the records added since the last call.
func (pw *PodWatch) Lines(records []record.Record) string {
	if pw.next == 0 && len(records) > 0 {
		pw.minor = releaseMinor(records)
	}
	var b bytes.Buffer
	for ; pw.next < len(records); pw.next++ {
		s, ok := records[pw.next].(*record.Snapshot)
		if !ok || !strings.HasPrefix(s.Object, "Pod/") {
			continue
		}
		var pod corev1.Pod
		if err := json.Unmarshal(s.Value, &pod); err != nil {
			fmt.Fprintf(&b, "error: decoding the snapshot of %s: %v\n", s.Object, err)
			continue
		}
		o := &Objects{At: sim.Time(s.T), Minor: pw.minor}
		tw := tabwriter.NewWriter(&b, 6, 4, 3, ' ', 0)
		if !pw.header {
			fmt.Fprintln(tw, strings.Join(o.PodHeader(false), "\t"))
			pw.header = true
		}
		fmt.Fprintln(tw, strings.Join(o.PodRow(&pod, false), "\t"))
		tw.Flush()
	}
	return b.String()
}

// PodScreen is the whole `kubectl get pods` table at time t, under a line
// naming the time, for a watch redrawn on a terminal.
func PodScreen(records []record.Record, t sim.Time) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "Pods at %s (kubectl get pods -w)\n\n", Clock(t))
	tab, err := Get(ObjectsAt(records, t), "Pod", false)
	switch {
	case err != nil:
		fmt.Fprintf(&b, "error: %v\n", err)
	case len(tab.Rows) == 0:
		fmt.Fprintf(&b, "No resources found in default namespace.\n")
	default:
		tab.Write(&b)
	}
	return b.String()
}
