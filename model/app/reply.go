package app

import "github.com/probesim/probesim/sim"

// ReplyKind says how a request ended.
type ReplyKind uint8

// How a request can end.
const (
	Answered ReplyKind = iota // a response: see Reply.Status or Reply.Exit
	Refused                   // connection refused: nothing listens on the port, or the process is not running
	Reset                     // the connection was accepted, then reset (or the process died while serving)
	Hang                      // no answer comes: End is sim.Never
)

var replyKindNames = [...]string{"Answered", "Refused", "Reset", "Hang"}

// String returns the kind's name, "Answered" for example.
func (k ReplyKind) String() string {
	if int(k) < len(replyKindNames) {
		return replyKindNames[k]
	}
	return "ReplyKind(?)"
}

// gRPC health statuses, as grpc.health.v1.HealthCheckResponse.ServingStatus
// numbers them, for Reply.Status of a GRPC request.
const (
	GRPCUnknownService = 0 // the service is not known (the health server answers NOT_FOUND)
	GRPCServing        = 1
	GRPCNotServing     = 2
)

// Reply is what a process did with one request. The caller applies its own
// client timeout: a reply whose End is later than the caller's deadline is a
// timeout for the caller, while the process stays busy until End.
type Reply struct {
	Kind ReplyKind
	// Status is the HTTP status code, or for gRPC the health status
	// (GRPCServing, GRPCNotServing, GRPCUnknownService).
	Status int
	// Exit is an exec command's exit code.
	Exit int
	// Output is an exec command's output, or for a gRPC unknown service the
	// error the health server returns.
	Output string
	// Location is the target of an HTTP redirect (3xx), a path on the same
	// host or a full URL.
	Location string
	// Begin is when the process started serving the request: later than
	// the request's arrival when every concurrency slot was busy; sim.Never
	// when the process was stopped (SIGSTOP) and the request still waits.
	Begin sim.Time
	// End is when the reply is complete; sim.Never for Hang.
	End sim.Time
	// Crashed is set when serving this request made the process exit (crash
	// afterRequests or probability); Instance.Exit reports the exit.
	Crashed bool
}
