package connector

import (
	"strconv"
	"strings"
	"time"
)

// FleetState is where one org stands against a bundle: the answer to
// "which of my orgs hold which version" (connectorctl fleet, the window's
// Fleet view). Its values are the `state` of `fleet --json`: stable.
type FleetState string

// Fleet states, in the order a summary names them.
const (
	// FleetCurrent: the org holds exactly this bundle, published with Connectors.
	FleetCurrent FleetState = "current"
	// FleetBehind: the org holds another version published with Connectors.
	FleetBehind FleetState = "behind"
	// FleetChangedOutside: the resource was changed outside Connectors, or
	// a same-name resource was never published with Connectors (its
	// provenance says which: changed_outside or foreign).
	FleetChangedOutside FleetState = "changed_outside"
	// FleetAbsent: no such resource in the org yet.
	FleetAbsent FleetState = "absent"
	// FleetNeedsAuthorization: no session could be had without a new
	// authorization (never authorized here, revoked, a refused grant).
	FleetNeedsAuthorization FleetState = "needs_authorization"
	// FleetUnreachable: the org could not be read (network, timeout, an
	// error of the org, the keyring); the row's problem says why and the fix.
	FleetUnreachable FleetState = "unreachable"
)

// FleetStates lists every state in the summary's order.
var FleetStates = []FleetState{FleetCurrent, FleetBehind, FleetChangedOutside, FleetAbsent, FleetNeedsAuthorization, FleetUnreachable}

// Label is the state in words: "changed outside", "needs authorization".
func (s FleetState) Label() string { return strings.ReplaceAll(string(s), "_", " ") }

// FleetStateOf is the one rule that says where an org stands against the
// bundle of fingerprint fp and size bytes, from the version the org holds
// (v, judged from the org's record; nil or absent: no resource). A
// resource this app never published (foreign) counts as changed outside
// Connectors: a publish leaves it alone unless told to replace it, as it
// does a change outside.
func FleetStateOf(v *OrgVersion, fp string, size int64) FleetState {
	if v == nil {
		return FleetAbsent
	}
	switch v.Provenance {
	case ProvOwn, ProvConnectors:
		if v.Holds(fp, size) {
			return FleetCurrent
		}
		return FleetBehind
	case ProvOutside, ProvForeign:
		return FleetChangedOutside
	}
	return FleetAbsent
}

// FleetStateOfProblem is the state of an org that could not be read: one
// whose fix is a new authorization needs authorization; any other is
// unreachable (its problem says why).
func FleetStateOfProblem(p *Problem) FleetState {
	if p == nil {
		return FleetUnreachable
	}
	switch p.Code {
	case CodeNotAuthorized, CodeNeedsReauth, CodeWrongOrg, CodeJWTKey, CodeClientSecret, CodeJWTAudience,
		CodeConsumerNotApproved, CodeInvalidAssertion, CodeNeedsMyDomain, CodeAppNotInstalled, CodeInvalidClient:
		return FleetNeedsAuthorization
	}
	return FleetUnreachable
}

// FleetSummary counts the states, naming only those present, in the order
// of FleetStates: "41 current, 6 behind, 1 changed outside, 2 unreachable".
func FleetSummary(states []FleetState) string {
	counts := map[FleetState]int{}
	for _, s := range states {
		counts[s]++
	}
	var parts []string
	for _, s := range FleetStates {
		if n := counts[s]; n > 0 {
			parts = append(parts, strconv.Itoa(n)+" "+s.Label())
		}
	}
	if len(parts) == 0 {
		return "no connectors"
	}
	return strings.Join(parts, ", ")
}

// FleetSeen is one org as a fleet check saw it: what the next check of a
// watch (fleet --every, the window's switch) compares with.
type FleetSeen struct {
	Connector string
	State     FleetState
	// Fingerprint and Modified are the version the org held (zero when it
	// held none or could not be read): a second edit outside Connectors
	// between two checks is a change too.
	Fingerprint string
	Modified    time.Time
}

// FleetSeenOf is what a check saw of one org.
func FleetSeenOf(name string, state FleetState, v *OrgVersion) FleetSeen {
	s := FleetSeen{Connector: name, State: state}
	if v != nil {
		s.Fingerprint, s.Modified = v.Fingerprint, v.LastModifiedDate
	}
	return s
}

// FleetChange is one org whose standing changed between two checks.
type FleetChange struct {
	Connector string
	// From is the state at the previous check ("" for a connector that
	// was not in it); To the state now.
	From, To FleetState
	// Alert: the change is news someone must act on (a new change outside
	// Connectors, an org that fell behind, a connector that needs
	// authorization again, an org that became unreachable). A change for
	// the better (back to current) is reported, not alerted.
	Alert bool
}

// Sentence is the change in English: "Acme/Sandbox: current → behind".
func (c FleetChange) Sentence() string {
	if c.From == "" {
		return c.Connector + ": new, " + c.To.Label()
	}
	if c.From == c.To {
		return c.Connector + ": " + c.To.Label() + " again (changed since the last check)"
	}
	return c.Connector + ": " + c.From.Label() + " → " + c.To.Label()
}

// FleetChanges is the one rule of what a watch reports: the orgs whose
// state differs from the previous check, or that were changed outside
// Connectors again (another version, another edit), in the order of cur.
// A connector gone since the previous check is not reported (it was
// removed on purpose). A state that merely stays is no news.
func FleetChanges(prev, cur []FleetSeen) []FleetChange {
	before := make(map[string]FleetSeen, len(prev))
	for _, p := range prev {
		before[p.Connector] = p
	}
	var out []FleetChange
	for _, c := range cur {
		p, known := before[c.Connector]
		switch {
		case !known:
			out = append(out, FleetChange{Connector: c.Connector, To: c.State, Alert: c.State.needsAction()})
		case p.State != c.State:
			out = append(out, FleetChange{Connector: c.Connector, From: p.State, To: c.State, Alert: c.State.needsAction()})
		case c.State == FleetChangedOutside && (p.Fingerprint != c.Fingerprint || !p.Modified.Equal(c.Modified)):
			out = append(out, FleetChange{Connector: c.Connector, From: p.State, To: c.State, Alert: true})
		}
	}
	return out
}

// needsAction: a state someone must act on (absent is the normal state of
// an org not published to yet: no alert).
func (s FleetState) needsAction() bool {
	switch s {
	case FleetBehind, FleetChangedOutside, FleetNeedsAuthorization, FleetUnreachable:
		return true
	}
	return false
}

// FleetAlerts counts the changes to act on.
func FleetAlerts(changes []FleetChange) int {
	n := 0
	for _, c := range changes {
		if c.Alert {
			n++
		}
	}
	return n
}
