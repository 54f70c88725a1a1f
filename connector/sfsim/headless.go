package sfsim

// Headless grants (§11.1, §11.2): the JWT bearer flow, checked against a
// certificate registered per client ID, and the client-credentials flow,
// accepted only on the host that plays My Domain (the instance host).

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// GrantJWTBearer is the grant_type of the JWT bearer flow.
const GrantJWTBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// headlessScope is what both headless grants get: no refresh token.
const headlessScope = "api id"

type jwtClient struct {
	key      *rsa.PublicKey
	approved bool // the user's profile is pre-authorized for the app
}

type ccClient struct {
	secret string
}

// RegisterJWTClient creates (or replaces) an External Client App with "Use
// digital signatures" for clientID, whose uploaded certificate is certPEM
// (a PEM CERTIFICATE block). The org's user is pre-authorized for it.
func (o *Org) RegisterJWTClient(clientID string, certPEM []byte) error {
	block, _ := pem.Decode(certPEM)
	if block == nil || block.Type != "CERTIFICATE" {
		return errors.New("sfsim: no PEM CERTIFICATE block")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return err
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return errors.New("sfsim: the certificate's key is not RSA")
	}
	o.set(func() {
		if o.jwtClients == nil {
			o.jwtClients = map[string]*jwtClient{}
		}
		o.jwtClients[clientID] = &jwtClient{key: pub, approved: true}
	})
	return nil
}

// SetConsumerApproved sets whether the org's user is pre-authorized for the
// JWT client clientID (false: "user hasn't approved this consumer").
func (o *Org) SetConsumerApproved(clientID string, approved bool) {
	o.set(func() {
		if c := o.jwtClients[clientID]; c != nil {
			c.approved = approved
		}
	})
}

// EnableClientCredentials lets clientID use the client-credentials flow with
// secret; its tokens run as the org's user (the app's Run As user).
func (o *Org) EnableClientCredentials(clientID, secret string) {
	o.set(func() {
		if o.ccClients == nil {
			o.ccClients = map[string]*ccClient{}
		}
		o.ccClients[clientID] = &ccClient{secret: secret}
	})
}

// SetAPIUsage sets the org's daily API requests used so far (the first
// number of Sforce-Limit-Info); past APIUsageMax every REST call fails with
// 403 REQUEST_LIMIT_EXCEEDED "TotalRequests Limit exceeded.".
func (o *Org) SetAPIUsage(used int) { o.set(func() { o.apiUsage = used }) }

// APIUsage returns the daily API requests used and the maximum.
func (o *Org) APIUsage() (used, maxUsage int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.apiUsage, o.opts.APIUsageMax
}

// isMyDomain reports whether r reached the instance host, which plays the
// org's My Domain (the login host plays login.salesforce.com).
func (o *Org) isMyDomain(r *http.Request) bool {
	return strings.TrimPrefix(o.instURL, "http://") == r.Host
}

// audiences are the aud values the org accepts: its own login host, and the
// generic host of its kind.
func (o *Org) audiencesLocked() []string {
	generic := "https://login.salesforce.com"
	if o.sandbox {
		generic = "https://test.salesforce.com"
	}
	return []string{o.loginURL, generic}
}

// handleHeadlessGrant serves the JWT bearer and client-credentials grants;
// it reports false for any other grant type.
func (o *Org) handleHeadlessGrant(w http.ResponseWriter, r *http.Request, form url.Values, clientID, secret string) bool {
	switch form.Get("grant_type") {
	case GrantJWTBearer:
		o.mu.Lock()
		defer o.mu.Unlock()
		g, code, desc := o.jwtGrantLocked(form.Get("assertion"))
		if g == nil {
			writeOAuthError(w, http.StatusBadRequest, code, desc)
			return true
		}
		o.issueHeadlessLocked(w, g)
	case "client_credentials":
		if !o.isMyDomain(r) {
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "request not supported on this domain")
			return true
		}
		o.mu.Lock()
		defer o.mu.Unlock()
		c := o.ccClients[clientID]
		if c == nil {
			if _, known := o.callbacks[clientID]; !known {
				writeOAuthError(w, http.StatusBadRequest, "invalid_client_id", "client identifier invalid")
				return true
			}
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "no client credentials user enabled")
			return true
		}
		if subtle.ConstantTimeCompare([]byte(c.secret), []byte(secret)) != 1 {
			writeOAuthError(w, http.StatusBadRequest, "invalid_client", "invalid client credentials")
			return true
		}
		g := &grant{clientID: clientID, scope: headlessScope, created: time.Now()}
		o.grants = append(o.grants, g)
		o.issueHeadlessLocked(w, g)
	default:
		return false
	}
	return true
}

// jwtGrantLocked checks an assertion (§11.1) and returns the new grant, or
// the error and description Salesforce answers.
func (o *Org) jwtGrantLocked(assertion string) (*grant, string, string) {
	const invalid = "invalid assertion"
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return nil, "invalid_grant", invalid
	}
	var header struct {
		Alg string `json:"alg"`
	}
	var claims struct {
		Iss string          `json:"iss"`
		Sub string          `json:"sub"`
		Aud json.RawMessage `json:"aud"`
		Exp int64           `json:"exp"`
	}
	if decodeSegment(parts[0], &header) != nil || decodeSegment(parts[1], &claims) != nil || header.Alg != "RS256" {
		return nil, "invalid_grant", invalid
	}
	c := o.jwtClients[claims.Iss]
	if c == nil {
		return nil, "invalid_client_id", "client identifier invalid"
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, "invalid_grant", invalid
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(c.key, crypto.SHA256, sum[:], sig) != nil {
		return nil, "invalid_grant", invalid
	}
	if !audienceMatches(claims.Aud, o.audiencesLocked()) {
		return nil, "invalid_grant", "audience is invalid"
	}
	now := time.Now()
	// Only a missing or past exp is refused. Salesforce asks for exp
	// "within 3 minutes" but accepts later ones: the Salesforce CLI sends
	// Date.now()+300, milliseconds (sfdx-core authInfo tryJwtAuth), and works.
	if claims.Exp == 0 || now.Unix() > claims.Exp {
		return nil, "invalid_grant", invalid
	}
	if claims.Sub != o.opts.Username || !c.approved {
		return nil, "invalid_grant", "user hasn't approved this consumer"
	}
	g := &grant{clientID: claims.Iss, scope: headlessScope, created: now}
	o.grants = append(o.grants, g)
	return g, "", ""
}

// audienceMatches accepts aud as a string or an array of strings.
func audienceMatches(raw json.RawMessage, want []string) bool {
	var one string
	var many []string
	if json.Unmarshal(raw, &one) == nil {
		many = []string{one}
	} else if json.Unmarshal(raw, &many) != nil {
		return false
	}
	for _, a := range many {
		for _, w := range want {
			if strings.TrimRight(a, "/") == w {
				return true
			}
		}
	}
	return false
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// issueHeadlessLocked answers a headless grant: an access token, no refresh token.
func (o *Org) issueHeadlessLocked(w http.ResponseWriter, g *grant) {
	access := o.orgID[:15] + "!AQ" + randString(94, alnum+"._")
	o.sessions[access] = &session{grant: g, scope: g.scope}
	resp := tokenResponse{
		AccessToken: access,
		Scope:       g.scope,
		InstanceURL: o.instURL,
		ID:          o.identityURL(),
		TokenType:   "Bearer",
		IssuedAt:    strconv.FormatInt(time.Now().UnixMilli(), 10),
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	b, _ := json.Marshal(resp)
	_, _ = w.Write(b)
}
