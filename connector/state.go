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
	// CustomizeApplication comes from UserPermissionAccess.
	CustomizeApplication bool `json:"customizeApplication"`
	// Checked is false when the check could not run (e.g. unreachable).
	Checked bool `json:"checked"`
}

// Missing returns the names of missing permissions, e.g. ["Customize Application"].
func (p Permissions) Missing() []string {
	if !p.Checked {
		return nil
	}
	var m []string
	if !p.APIEnabled {
		m = append(m, "API Enabled")
	}
	if !p.CustomizeApplication {
		m = append(m, "Customize Application")
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
	Key           Key           `json:"-"`
	Connector     string        `json:"connector"` // Key.String()
	State         State         `json:"state"`
	Message       string        `json:"message"`       // one plain sentence
	Fix           string        `json:"fix,omitempty"` // what to do, when State needs attention
	TokensPresent bool          `json:"tokensPresent"`
	SessionValid  bool          `json:"sessionValid"`
	Org           *OrgInfo      `json:"org,omitempty"`
	EnvironmentOK bool          `json:"environmentOk"`
	Permissions   Permissions   `json:"permissions"`
	APIUsage      *APIUsage     `json:"apiUsage,omitempty"`
	Resource      *ResourceInfo `json:"resource,omitempty"`
	CheckedAt     time.Time     `json:"checkedAt"`
	Duration      time.Duration `json:"durationNs"`
}

// Check is one preflight check of Doctor.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
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
