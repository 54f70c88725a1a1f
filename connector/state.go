package connector

import "time"

// State is a connector's health at a glance.
type State string

// Connector states, in rough order of severity.
const (
	StateConnected         State = "connected"
	StateNotAuthorized     State = "not_authorized"       // no tokens yet
	StateNeedsReauth       State = "needs_reauth"         // refresh failed (invalid_grant)
	StateSandboxRefreshed  State = "sandbox_refreshed"    // org ID changed
	StatePermissionMissing State = "permission_missing"   // API Enabled or Customize Application
	StateEnvMismatch       State = "environment_mismatch" // production org in a sandbox slot or reverse
	StateUnreachable       State = "unreachable"          // network, timeout, 5xx, maintenance
	StateKeyringError      State = "keyring_error"        // keyring unavailable
)

// NeedsAttention reports whether the state is anything but connected.
func (s State) NeedsAttention() bool { return s != StateConnected }

// Permissions are the two the connector needs.
type Permissions struct {
	// APIEnabled is false when the org answered 403 API_DISABLED_FOR_ORG.
	APIEnabled bool `json:"apiEnabled"`
	// CustomizeApplication comes from UserPermissionAccess; meaningful only
	// when CustomizeApplicationChecked.
	CustomizeApplication bool `json:"customizeApplication"`
	// Checked is false when the check could not run (e.g. unreachable).
	Checked bool `json:"checked"`
	// CustomizeApplicationChecked is false when Customize Application could
	// not be checked: without API access it cannot be read at all.
	CustomizeApplicationChecked bool `json:"customizeApplicationChecked"`
}

// Permission names, as Setup shows them.
const (
	PermAPIEnabled           = "API Enabled"
	PermCustomizeApplication = "Customize Application"
)

// PermissionState is one permission as checked: granted, missing, or not
// checked (it could not be read).
type PermissionState int

// Permission states.
const (
	PermNotChecked PermissionState = iota
	PermGranted
	PermMissing
)

// PermissionLine is one row of the permission list.
type PermissionLine struct {
	Name  string
	State PermissionState
}

// Lines lists both permissions in Setup's words with what is known of
// each: the window's card and `connectorctl status` both show these.
func (p Permissions) Lines() []PermissionLine {
	state := func(checked, ok bool) PermissionState {
		switch {
		case !checked:
			return PermNotChecked
		case ok:
			return PermGranted
		}
		return PermMissing
	}
	return []PermissionLine{
		{PermAPIEnabled, state(p.Checked, p.APIEnabled)},
		{PermCustomizeApplication, state(p.Checked && p.CustomizeApplicationChecked, p.CustomizeApplication)},
	}
}

// Missing returns the names of permissions known to be missing, e.g.
// ["Customize Application"]; a permission that could not be checked is
// not called missing.
func (p Permissions) Missing() []string {
	var m []string
	for _, l := range p.Lines() {
		if l.State == PermMissing {
			m = append(m, l.Name)
		}
	}
	return m
}

// APIUsage is parsed from the Sforce-Limit-Info header (api-usage=used/max).
type APIUsage struct {
	Used int `json:"used"`
	Max  int `json:"max"`
}

// ResourceInfo describes the StaticResource in the org.
type ResourceInfo struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Size         int64     `json:"size"` // BodyLength
	LastModified time.Time `json:"lastModified"`
	// Fingerprint is the content fingerprint stored in the Description, if any.
	Fingerprint string `json:"fingerprint,omitempty"`
	ContentType string `json:"contentType,omitempty"`
}

// Status is the result of a live check of one connector.
type Status struct {
	Key       Key    `json:"-"`
	Connector string `json:"connector"` // Key.String()
	State     State  `json:"state"`
	Message   string `json:"message"`       // one plain sentence
	Fix       string `json:"fix,omitempty"` // what to do, when State needs attention
	// CredentialSource says where the connector's credential comes from:
	// "keyring", "jwt" or "client-credentials" (Connector.CredentialSource).
	CredentialSource string   `json:"credentialSource"`
	TokensPresent    bool     `json:"tokensPresent"`
	SessionValid     bool     `json:"sessionValid"`
	Org              *OrgInfo `json:"org,omitempty"`
	// EnvironmentOK says the org's kind (production or sandbox) fits the
	// connector's slot; meaningful only when EnvironmentChecked.
	EnvironmentOK bool `json:"environmentOk"`
	// EnvironmentChecked is false when the org could not be asked (no
	// tokens, expired or revoked session, unreachable).
	EnvironmentChecked bool          `json:"environmentChecked"`
	Permissions        Permissions   `json:"permissions"`
	APIUsage           *APIUsage     `json:"apiUsage,omitempty"`
	Resource           *ResourceInfo `json:"resource,omitempty"`
	// Drift is set when the resource was changed outside Connectors (or
	// deleted after our publish): when and by whom (see liveDrift).
	Drift *Drift `json:"drift,omitempty"`
	// Found is the resource as the org holds it, judged from its record:
	// this folder's publish, one with Connectors elsewhere (who, when,
	// which version), a change outside Connectors, or absent.
	Found     *OrgVersion `json:"found,omitempty"`
	CheckedAt time.Time   `json:"checkedAt"`
	// DriftChecked: the resource was looked up (Drift is meaningful). The
	// health check sets it; it is not part of the JSON.
	DriftChecked bool          `json:"-"`
	Duration     time.Duration `json:"durationNs"`
}

// Check is one preflight check of Doctor.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
}

// StateOf is the one derivation of the state a connector is shown in: the
// live check (or authorization) result when there is one for this
// connector, else what the registry recorded. The window's list and card,
// and connectorctl's list and status, all show this, so they never disagree.
// A connector with no recorded org was never authorized here: no live
// result can make it look connected.
func StateOf(c Connector, live *Status) State {
	if c.Org == nil {
		return StateNotAuthorized
	}
	if live != nil && live.State != "" && live.Key == c.Key() {
		return live.State
	}
	switch {
	case c.NeedsReauth && c.LastState != StateSandboxRefreshed:
		return StateNeedsReauth
	case c.LastState != "":
		return c.LastState
	}
	return StateConnected
}

// liveState derives a connector's state from what its org told us: the
// one rule behind Status and Authorize. envChecked and envOK describe the
// org's kind against the slot, orgChanged a different org ID than recorded.
func LiveState(conn Connector, envChecked, envOK, orgChanged bool, p Permissions) State {
	switch {
	case orgChanged:
		return StateSandboxRefreshed
	case envChecked && !envOK && !conn.AllowEnvironmentMismatch:
		return StateEnvMismatch
	case len(p.Missing()) > 0:
		return StatePermissionMissing
	}
	return StateConnected
}

// Problem is the check's message and fix as a problem, translated by its
// state ("problem.<state>", as every front end shows a status).
func (s Status) Problem() *Problem {
	return &Problem{Code: string(s.State), Message: s.Message, Fix: s.Fix}
}

// Authorized reports whether the check found the connector authorized:
// tokens present and not refused (an unreachable org does not say
// otherwise). Front ends ask for a production confirmation only then.
func (s Status) Authorized() bool {
	switch s.State {
	case StateNotAuthorized, StateNeedsReauth, StateKeyringError, StateSandboxRefreshed:
		return false
	}
	return s.TokensPresent
}
