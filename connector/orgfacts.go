package connector

// What a publish asks the org itself before it writes, rather than trusting
// a file: whether the org is a production org (Organization.IsSandbox), and
// how much of its daily API budget is left (Sforce-Limit-Info). A connectors
// file or a registry entry may say "sandbox"; only the org decides.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/connectors-app/connectors/connector/salesforce"
)

// OrgFacts is what this process learned live from each org, by org ID (its
// first 15 characters): whether it is a sandbox (fixed for an org ID: a
// refreshed sandbox gets a new ID), and its last known API usage.
type OrgFacts struct {
	mu      sync.Mutex
	sandbox map[string]bool
	usage   map[string]knownUsage
}

// knownUsage is an org's API usage as an answer reported it, and when.
type knownUsage struct {
	APIUsage
	at time.Time
}

func orgKey(id string) string {
	id = strings.TrimSpace(id)
	if len(id) > 15 {
		id = id[:15]
	}
	return id
}

func (f *OrgFacts) kind(orgID string) (sandbox, known bool) {
	if orgKey(orgID) == "" {
		return false, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	sandbox, known = f.sandbox[orgKey(orgID)]
	return sandbox, known
}

func (f *OrgFacts) setKind(orgID string, sandbox bool) {
	if orgKey(orgID) == "" {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sandbox == nil {
		f.sandbox = map[string]bool{}
	}
	f.sandbox[orgKey(orgID)] = sandbox
}

func (f *OrgFacts) noteUsage(orgID string, u *salesforce.Usage, at time.Time) {
	if orgKey(orgID) == "" || u == nil || u.Max <= 0 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.usage == nil {
		f.usage = map[string]knownUsage{}
	}
	if old, ok := f.usage[orgKey(orgID)]; ok && old.at.After(at) {
		return
	}
	f.usage[orgKey(orgID)] = knownUsage{APIUsage: APIUsage{Used: u.Used, Max: u.Max}, at: at}
}

// usageFresh is how long an answer's API usage stands for the org's
// budget without asking again (the next targets of a batch, not the next
// publish an hour later).
const usageFresh = time.Minute

// lastUsage is the org's usage an answer told less than usageFresh before now.
func (f *OrgFacts) lastUsage(orgID string, now time.Time) (knownUsage, bool) {
	if orgKey(orgID) == "" {
		return knownUsage{}, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.usage[orgKey(orgID)]
	if !ok || now.Sub(u.at) > usageFresh {
		return knownUsage{}, false
	}
	return u, true
}

// productionConfirmed reports whether the user confirmed writing to k as a
// production target: --yes (ConfirmProduction) or k confirmed by itself.
func (o PublishOptions) productionConfirmed(k Key) bool {
	return o.ConfirmProduction || slices.ContainsFunc(o.ConfirmedKeys, func(c Key) bool {
		return strings.EqualFold(c.System, k.System) && c.Environment.Same(k.Environment)
	})
}

// orgIsSandbox asks the org of client whether it is a sandbox, once per org
// ID and process. The answer is the org's own (Organization.IsSandbox),
// never a file's claim; the cache is keyed by the org ID the session was
// checked against (session refuses tokens of another org).
func (s *Service) orgIsSandbox(ctx context.Context, client *salesforce.Client, conn Connector) (bool, error) {
	if conn.Org != nil {
		if sandbox, ok := s.Facts.kind(conn.Org.OrgID); ok {
			return sandbox, nil
		}
	}
	org, err := client.Organization(ctx)
	if err != nil {
		return false, fmt.Errorf("ask the org whether it is a sandbox before writing: %w", err)
	}
	if conn.Org != nil && conn.Org.OrgID != "" && org.ID != "" && !salesforce.SameID(conn.Org.OrgID, org.ID) {
		return false, &Problem{
			Code:    CodeWrongOrg,
			Message: fmt.Sprintf("The session of %s reaches the org %s, not the org %s recorded for it, so nothing was written.", conn.Key(), org.ID, conn.Org.OrgID),
			Fix:     fmt.Sprintf("Authorize %s again to record the org it should publish to.", conn.Key()),
		}
	}
	s.Facts.setKind(org.ID, org.IsSandbox)
	return org.IsSandbox, nil
}

// checkLiveProduction runs right before a write that nobody confirmed for
// production: the org is asked whether it is a sandbox, and a production
// org is refused (CodeProductionNotConfirmed) whatever the connector's
// environment or a connectors file claims. The org's answer is kept on the
// connector, so the next publish asks for confirmation upfront.
func (r *publishRun) checkLiveProduction(ctx context.Context) error {
	if r.opts.DryRun || r.opts.productionConfirmed(r.k) {
		return nil
	}
	if r.isProduction() {
		return r.productionProblem(false)
	}
	sandbox, err := r.s.orgIsSandbox(ctx, r.client, r.conn)
	if err != nil {
		return err
	}
	if sandbox {
		return nil
	}
	if r.conn.Org != nil {
		org := *r.conn.Org
		org.IsSandbox = false
		r.conn.Org = &org
	}
	if _, err := r.s.Registry.Update(r.k, func(c *Connector) error {
		if c.Org != nil {
			c.Org.IsSandbox = false
		}
		return nil
	}); err != nil {
		r.log.Warn("record that the org is a production org", "connector", r.k.String(), "err", err)
	}
	r.log.Warn("the org says it is a production org; nothing written without a confirmation", "connector", r.k.String())
	return r.productionProblem(true)
}

// productionProblem refuses an unconfirmed write to a production org; live
// says the org itself said so although the connector calls it otherwise.
func (r *publishRun) productionProblem(live bool) *Problem {
	verb := "publishing"
	if r.restored {
		verb = "restoring"
	}
	if live {
		return &Problem{
			Code: CodeProductionNotConfirmed,
			ID:   "production_not_confirmed_live",
			Message: fmt.Sprintf("%s says it is a production org, although %s calls it %s: %s there changes what every user sees, so nothing was written.",
				r.orgLabel(), r.k, envKindText(r.k.Environment), verb),
			Args: map[string]any{"Connector": r.k.String()},
			Fix:  "Check that this is the org you meant; to write there, confirm the production publish when asked (with connectorctl, type the org name or pass --yes).",
		}
	}
	if r.restored {
		return &Problem{
			Code:    CodeProductionNotConfirmed,
			Message: fmt.Sprintf("%s is a production org (%s): restoring there changes what every user sees.", r.orgLabel(), r.k),
			Fix:     "Confirm the production restore when asked (with connectorctl, type the org name or pass --yes) and restore again.",
		}
	}
	return &Problem{
		Code:    CodeProductionNotConfirmed,
		Message: fmt.Sprintf("%s is a production org (%s): publishing there changes what every user sees.", r.orgLabel(), r.k),
		Fix:     "Confirm the production publish when asked (with connectorctl, type the org name or pass --yes) and publish again.",
	}
}
