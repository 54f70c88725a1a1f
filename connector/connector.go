package connector

import (
	"strconv"
	"strings"
	"time"

	"github.com/connectors-app/connectors/connector/oauth"
	"github.com/connectors-app/connectors/internal/safetext"
)

// DefaultClientID is the consumer key of the Salesforce CLI's connected app,
// which registers http://localhost:1717/OauthRedirect. The OAuth flow owns
// the value (oauth.DefaultClientID); the domain names it for the front ends.
const DefaultClientID = oauth.DefaultClientID

// DefaultCallbackPorts are tried in order for the loopback redirect
// (oauth.DefaultPorts).
var DefaultCallbackPorts = oauth.DefaultPorts

// CallbackPath is the path of the loopback redirect URI (oauth.DefaultCallbackPath).
const CallbackPath = oauth.DefaultCallbackPath

// DefaultResourceName is the StaticResource name used when none is set.
const DefaultResourceName = "WalkMe_Content"

// Connector is one system × environment. It is stored in the registry file
// and never holds a secret.
type Connector struct {
	// ID is the connector's stable random identity, set by the registry
	// when the connector is created and never changed. Its tokens are keyed
	// by it (TokenKey), so a token is only ever used by the connector that
	// stored it, whatever its name and whichever config folder it is in.
	ID          string      `json:"id"`
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
	// AuthMethod is how the connector gets tokens: the browser flow with
	// tokens in the keyring (empty), or a headless flow (AuthJWT,
	// AuthClientCredentials) whose tokens are minted per run and never stored.
	AuthMethod AuthMethod `json:"authMethod,omitempty"`
	// Username is the JWT bearer flow's subject (the user it signs in as).
	Username string `json:"username,omitempty"`
	// Audience overrides the JWT aud; empty means JWTAudience's rule.
	Audience string `json:"audience,omitempty"`
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
	// Drift is set when the last status check or publish found the
	// resource changed outside Connectors since our last publish (when and
	// by whom); a publish or a check finding it untouched clears it.
	Drift *Drift `json:"drift,omitempty"`
	// LegacyTokens marks a connector from before IDs (registry format 1):
	// its tokens may still sit in the keyring under its name. They are
	// adopted once, and only when their org is the connector's recorded org.
	LegacyTokens bool `json:"legacyTokens,omitempty"`
	// CreatedAt and UpdatedAt are maintained by the registry.
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// Key returns the connector's key.
func (c Connector) Key() Key { return Key{System: c.System, Environment: c.Environment} }

// TokenKey is the connector's keyring entry: derived from its ID only.
func (c Connector) TokenKey() string { return "connector:" + c.ID }

// legacyTokenKey is the name-keyed entry of registry format 1.
func (c Connector) LegacyTokenKey() string { return c.Key().String() }

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
	// LastModifiedDate and LastModifiedByID are the record's right after our
	// verified publish: while the org still shows them, nobody touched it.
	LastModifiedDate time.Time `json:"lastModifiedDate,omitzero"`
	LastModifiedByID string    `json:"lastModifiedById,omitempty"`
	// ModifiedBound is true when LastModifiedDate is the org's clock when it
	// answered our write (the write's answer carries no record, and no
	// read-back is made): the record was last modified at or before it.
	ModifiedBound bool `json:"modifiedBound,omitempty"`
	// PubID is the publish Id our write recorded in the org's Description:
	// the org holding it means the org holds this publish.
	PubID string `json:"pubId,omitempty"`
}

// ParseCallbackPorts parses "1717, 1718 1719" (commas or spaces) into an
// ordered list of ports without duplicates; "" gives nil (the defaults).
func ParseCallbackPorts(s string) ([]int, error) {
	var ports []int
	seen := map[int]bool{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		p, err := strconv.Atoi(f)
		if err != nil || p < 1 || p > 65535 {
			return nil, &Problem{Code: CodeInvalidValue, ID: "callback_port_invalid", Args: map[string]any{"Value": safetext.Value(f)},
				Message: safetext.Value(f) + " is not a port.", Fix: "Give numbers from 1 to 65535, e.g. 1717, 1718."}
		}
		if !seen[p] {
			seen[p] = true
			ports = append(ports, p)
		}
	}
	return ports, nil
}

// IsProductionTarget is the one rule for "writing here changes what every
// user of a production org sees": a Production connector, or any connector
// whose recorded org is a production org (a production org authorized in a
// Sandbox or Test slot with the mismatch allowed). Publish and Restore
// refuse such a target without an explicit confirmation, and both front
// ends ask for it through this rule only.
func (c Connector) IsProductionTarget() bool {
	return c.Environment.IsProduction() || (c.Org != nil && !c.Org.IsSandbox && c.Org.OrgID != "")
}
