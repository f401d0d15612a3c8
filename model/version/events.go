package version

// Switches of client-go's event libraries, as each release's components are
// built with them. docs/fidelity.md ("Event series and the spam key per
// release") has the evidence.

// SpamKeyHasType reports whether the event spam filter keeps one token
// bucket per source, object and event type, rather than per source and
// object (tools/record/events_cache.go getSpamKey: event.Type is in the key
// in client-go v0.32.0, not in v0.31.0; kubernetes#124747).
func (p *Profile) SpamKeyHasType() bool { return p.AtLeast(32) }
