// Package connector is the domain of the Connectors app: the registry of
// connectors (one per system × environment), the OAuth authorization flow,
// token storage, live status checks, publishing a content bundle as a
// Salesforce StaticResource, restore and disconnect.
//
// It never imports Fyne: the window (package ui) and the command-line twin
// (cmd/connectorctl) are both thin front ends over Service.
//
// Sub-packages:
//   - oauth:      loopback redirect server, PKCE, state, paste-the-URL fallback
//   - tokenstore: OS keyring (go-keyring) behind a small interface, with timeouts
//   - salesforce: REST client (instance URL, refresh-once-on-401, StaticResource)
//   - sfsim:      an in-process simulated Salesforce org (tests, benchmarks, demo)
package connector

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Environment is the slot a connector occupies for its system.
type Environment string

// The three environments, lower case on disk and on the command line.
const (
	Production Environment = "production"
	Sandbox    Environment = "sandbox"
	Test       Environment = "test"
)

// Environments lists every environment in display order.
var Environments = []Environment{Production, Sandbox, Test}

// ParseEnvironment accepts any case ("Sandbox", "SANDBOX", "sandbox").
func ParseEnvironment(s string) (Environment, error) {
	switch Environment(strings.ToLower(strings.TrimSpace(s))) {
	case Production:
		return Production, nil
	case Sandbox:
		return Sandbox, nil
	case Test:
		return Test, nil
	}
	return "", fmt.Errorf("unknown environment %q: use production, sandbox or test", s)
}

// Title is the display form: "Production", "Sandbox", "Test".
func (e Environment) Title() string {
	if e == "" {
		return ""
	}
	return strings.ToUpper(string(e[:1])) + string(e[1:])
}

// IsProduction reports whether the environment is production.
func (e Environment) IsProduction() bool { return e == Production }

// DefaultLoginURL is the generic login host for the environment.
func (e Environment) DefaultLoginURL() string {
	if e == Production {
		return "https://login.salesforce.com"
	}
	return "https://test.salesforce.com"
}

// Key addresses one connector: SYSTEM/ENVIRONMENT, e.g. "Lightning/Sandbox".
type Key struct {
	System      string      `json:"system"`
	Environment Environment `json:"environment"`
}

// String formats the key as "System/Environment" (environment title-cased).
func (k Key) String() string { return k.System + "/" + k.Environment.Title() }

// ParseKey parses "SYSTEM/ENV"; the environment is case-insensitive.
func ParseKey(s string) (Key, error) {
	i := strings.LastIndex(s, "/")
	if i <= 0 || i == len(s)-1 {
		return Key{}, fmt.Errorf("%q is not a connector: write SYSTEM/ENVIRONMENT, e.g. Lightning/Sandbox", s)
	}
	sys := strings.TrimSpace(s[:i])
	if err := ValidateSystemName(sys); err != nil {
		return Key{}, err
	}
	env, err := ParseEnvironment(s[i+1:])
	if err != nil {
		return Key{}, err
	}
	return Key{System: sys, Environment: env}, nil
}

// ValidateSystemName checks a system name ("Lightning", "Demo"): 1 to 40
// characters, no slash, no control characters.
func ValidateSystemName(s string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("the system name is empty: give a name such as Lightning")
	}
	if len(s) > 40 {
		return fmt.Errorf("the system name %q is too long: use at most 40 characters", s)
	}
	for _, r := range s {
		if r == '/' || r < 0x20 || r == 0x7f {
			return fmt.Errorf("the system name %q contains %q: use letters, digits, spaces, '-' or '_'", s, r)
		}
	}
	return nil
}

// DefaultClientID is the consumer key of the Salesforce CLI's connected app,
// which registers http://localhost:1717/OauthRedirect.
const DefaultClientID = "PlatformCLI"

// DefaultCallbackPorts are tried in order for the loopback redirect.
var DefaultCallbackPorts = []int{1717}

// CallbackPath is the path of the loopback redirect URI.
const CallbackPath = "/OauthRedirect"

// DefaultResourceName is the StaticResource name used when none is set.
const DefaultResourceName = "WalkMe_Content"

// Connector is one system × environment. It is stored in the registry file
// and never holds a secret.
type Connector struct {
	System      string      `json:"system"`
	Environment Environment `json:"environment"`
	// LoginURL is the normalised login host, e.g. https://acme.my.salesforce.com.
	LoginURL string `json:"loginUrl"`
	// ClientID is the OAuth consumer key; empty means DefaultClientID.
	ClientID string `json:"clientId,omitempty"`
	// CallbackPorts are the loopback ports tried in order; empty means DefaultCallbackPorts.
	CallbackPorts []int `json:"callbackPorts,omitempty"`
	// ResourceName is the StaticResource to publish; empty means DefaultResourceName.
	ResourceName string `json:"resourceName,omitempty"`
	// AllowEnvironmentMismatch lets a production org sit in a sandbox/test slot or the reverse.
	AllowEnvironmentMismatch bool `json:"allowEnvironmentMismatch,omitempty"`

	// Org is what we learned from the org at the last authorization; nil before.
	Org *OrgInfo `json:"org,omitempty"`
	// NeedsReauth is set when a refresh failed with invalid_grant.
	NeedsReauth bool `json:"needsReauth,omitempty"`
	// LastCheck is the time of the last live status check.
	LastCheck *time.Time `json:"lastCheck,omitempty"`
	// LastState is the State of the last live status check.
	LastState State `json:"lastState,omitempty"`
	// LastPublish records the last successful publish.
	LastPublish *PublishRecord `json:"lastPublish,omitempty"`
	// CreatedAt and UpdatedAt are maintained by the registry.
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// Key returns the connector's key.
func (c Connector) Key() Key { return Key{System: c.System, Environment: c.Environment} }

// EffectiveClientID returns ClientID or DefaultClientID.
func (c Connector) EffectiveClientID() string {
	if c.ClientID != "" {
		return c.ClientID
	}
	return DefaultClientID
}

// EffectivePorts returns CallbackPorts or DefaultCallbackPorts.
func (c Connector) EffectivePorts() []int {
	if len(c.CallbackPorts) > 0 {
		return c.CallbackPorts
	}
	return DefaultCallbackPorts
}

// EffectiveResourceName returns ResourceName or DefaultResourceName.
func (c Connector) EffectiveResourceName() string {
	if c.ResourceName != "" {
		return c.ResourceName
	}
	return DefaultResourceName
}

// OrgInfo is what the connector learned from the org at authorization.
type OrgInfo struct {
	OrgID        string    `json:"orgId"` // 18 characters
	OrgName      string    `json:"orgName"`
	InstanceURL  string    `json:"instanceUrl"`
	Username     string    `json:"username"`
	UserID       string    `json:"userId"`
	IsSandbox    bool      `json:"isSandbox"`
	AuthorizedAt time.Time `json:"authorizedAt"`
}

// PublishRecord records a successful publish (or restore).
type PublishRecord struct {
	At          time.Time `json:"at"`
	Resource    string    `json:"resource"`
	ResourceID  string    `json:"resourceId"`
	Fingerprint string    `json:"fingerprint"`
	Size        int64     `json:"size"`
	// Restored is true when this record comes from a restore.
	Restored bool `json:"restored,omitempty"`
}

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

// ParseCallbackPorts parses "1717, 1718 1719" (commas or spaces) into an
// ordered list of ports without duplicates; "" gives nil (the defaults).
func ParseCallbackPorts(s string) ([]int, error) {
	var ports []int
	seen := map[int]bool{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		p, err := strconv.Atoi(f)
		if err != nil || p < 1 || p > 65535 {
			return nil, fmt.Errorf("%q is not a port: give numbers from 1 to 65535, e.g. 1717, 1718", f)
		}
		if !seen[p] {
			seen[p] = true
			ports = append(ports, p)
		}
	}
	return ports, nil
}
