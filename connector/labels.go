package connector

import "github.com/connectors-app/connectors/internal/sizes"

// The words front ends show for the domain's values: one table of state
// labels, one size formatter per language. The window translates the
// labels through its catalogue (keyed by state); connectorctl prints them.

// stateLabels is the one table of the states' short English labels, in
// the order of the State constants.
var stateLabels = []struct {
	state State
	label string
}{
	{StateConnected, "Connected"},
	{StateNotAuthorized, "Not authorized"},
	{StateNeedsReauth, "Needs re-authorization"},
	{StateSandboxRefreshed, "Sandbox refreshed"},
	{StatePermissionMissing, "Permission missing"},
	{StateEnvMismatch, "Wrong environment"},
	{StateUnreachable, "Unreachable"},
	{StateKeyringError, "Keyring unavailable"},
}

// Label is the state's short English label, e.g. "Needs re-authorization";
// a state it does not know (a newer version's) is shown as it is.
func (s State) Label() string {
	for _, l := range stateLabels {
		if l.state == s {
			return l.label
		}
	}
	return string(s)
}

// States lists every state, in the order of the State constants.
func States() []State {
	out := make([]State, len(stateLabels))
	for i, l := range stateLabels {
		out[i] = l.state
	}
	return out
}

// FormatSize is a byte count for people in language lang ("en", "fr"; any
// other is English), in binary units as Salesforce counts its 5 MB, with
// one decimal unless it is zero: "800 B", "1.5 KB", "2 MB" in English,
// "800 octets", "1,5 Ko", "2 Mo" in French.
func FormatSize(n int64, lang string) string { return sizes.Format(n, lang) }
