package version

// Switches of client-go's event libraries, as each release's components are
// built with them. docs/fidelity.md ("Event series and the spam key per
// release") has the evidence.

// EventAggregation reports whether the event recorder's EventCorrelator
// combines similar events (the EventAggregator: ten different messages
// under one reason within ten minutes become one combined event). It came
// with the correlator in 1.2 (kubernetes#16798); the 1.1 recorder has only
// the cache that counts identical events (1.1 pkg/client/record/
// events_cache.go historyCache, read; 1.11 events_cache.go, read).
func (p *Profile) EventAggregation() bool { return p.AtLeast(2) }

// EventSpamFilter reports whether the recorder drops events past a token
// bucket per source and object (EventSourceObjectSpamFilter: 25 burst, one
// more every 300 s), added in 1.8 (kubernetes#47367; present in 1.11, read;
// absent in 1.1, read).
func (p *Profile) EventSpamFilter() bool { return p.AtLeast(8) }

// SpamKeyHasType reports whether the event spam filter keeps one token
// bucket per source, object and event type, rather than per source and
// object (tools/record/events_cache.go getSpamKey: event.Type is in the key
// in client-go v0.32.0, not in v0.31.0; kubernetes#124747).
func (p *Profile) SpamKeyHasType() bool { return p.AtLeast(32) }

// SchedulerEventsAPI reports whether kube-scheduler writes its events
// through k8s.io/client-go/tools/events, as events.k8s.io Events whose
// repeats are folded into an EventSeries, instead of through tools/record's
// correlator. kubernetes#78447 moved it in 1.16 (events.k8s.io/v1beta1);
// from 1.19 events.NewEventBroadcasterAdapter picks events.k8s.io/v1
// (cmd/kube-scheduler/app/options/options.go, 1.20 and 1.36 confirmed;
// 1.11 uses record; 1.16-1.18 inferred from the pull request).
func (p *Profile) SchedulerEventsAPI() bool { return p.AtLeast(16) }

// EventSeriesFirstCount is the count tools/events gives a series when the
// second isomorphic event starts it (event_broadcaster.go recordToSink): 1
// up to client-go v0.26.0, 2 from v0.27.0 (commit "events: fix EventSeries
// starting count discrepancy").
func (p *Profile) EventSeriesFirstCount() int32 {
	if p.AtLeast(27) {
		return 2
	}
	return 1
}

// EventSeriesMinCount is the smallest series count the API server accepts
// in a write from tools/events: events.k8s.io/v1 requests are validated
// strictly and need 2 (pkg/apis/core/validation/events.go
// validateV1EventSeries, 1.20-1.36 confirmed; v1 is used from 1.19), while
// the v1beta1 requests of 1.16-1.18 went through the older ValidateEvent,
// which does not look at the series (inferred: that function read in a
// pre-1.19 tree, not in 1.18 itself).
func (p *Profile) EventSeriesMinCount() int32 {
	if p.AtLeast(19) {
		return 2
	}
	return 0
}
