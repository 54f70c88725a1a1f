package connector

import (
	"strconv"
	"strings"
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
