package publish

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/salesforce"
)

// orgIsSandbox asks the org of client whether it is a sandbox, once per org
// ID and process. The answer is the org's own (Organization.IsSandbox),
// never a file's claim; the cache is keyed by the org ID the session was
// checked against (session refuses tokens of another org).
func (s *Publisher) orgIsSandbox(ctx context.Context, client *salesforce.Client, conn connector.Connector) (bool, error) {
	if conn.Org != nil {
		if sandbox, ok := s.Facts.Kind(conn.Org.OrgID); ok {
			return sandbox, nil
		}
	}
	org, err := client.Organization(ctx)
	if err != nil {
		return false, fmt.Errorf("ask the org whether it is a sandbox before writing: %w", err)
	}
	if conn.Org != nil && conn.Org.OrgID != "" && org.ID != "" && !salesforce.SameID(conn.Org.OrgID, org.ID) {
		return false, &connector.Problem{
			Code:    connector.CodeWrongOrg,
			Message: fmt.Sprintf("The session of %s reaches the org %s, not the org %s recorded for it, so nothing was written.", conn.Key(), org.ID, conn.Org.OrgID),
			Fix:     fmt.Sprintf("Authorize %s again to record the org it should publish to.", conn.Key()),
		}
	}
	s.Facts.SetKind(org.ID, org.IsSandbox)
	return org.IsSandbox, nil
}

// productionConfirmed reports whether the user confirmed writing to k as a
// production target: --yes (ConfirmProduction) or k confirmed by itself.
func (o PublishOptions) productionConfirmed(k connector.Key) bool {
	return o.ConfirmProduction || slices.ContainsFunc(o.ConfirmedKeys, func(c connector.Key) bool {
		return strings.EqualFold(c.System, k.System) && c.Environment.Same(k.Environment)
	})
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
	if _, err := r.s.Registry.Update(r.k, func(c *connector.Connector) error {
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
func (r *publishRun) productionProblem(live bool) *connector.Problem {
	verb := "publishing"
	if r.restored {
		verb = "restoring"
	}
	if live {
		return &connector.Problem{
			Code: connector.CodeProductionNotConfirmed,
			ID:   "production_not_confirmed_live",
			Message: fmt.Sprintf("%s says it is a production org, although %s calls it %s: %s there changes what every user sees, so nothing was written.",
				r.orgLabel(), r.k, connector.EnvKindText(r.k.Environment), verb),
			Args: map[string]any{"Connector": r.k.String()},
			Fix:  "Check that this is the org you meant; to write there, confirm the production publish when asked (with connectorctl, type the org name or pass --yes).",
		}
	}
	if r.restored {
		return &connector.Problem{
			Code:    connector.CodeProductionNotConfirmed,
			Message: fmt.Sprintf("%s is a production org (%s): restoring there changes what every user sees.", r.orgLabel(), r.k),
			Fix:     "Confirm the production restore when asked (with connectorctl, type the org name or pass --yes) and restore again.",
		}
	}
	return &connector.Problem{
		Code:    connector.CodeProductionNotConfirmed,
		Message: fmt.Sprintf("%s is a production org (%s): publishing there changes what every user sees.", r.orgLabel(), r.k),
		Fix:     "Confirm the production publish when asked (with connectorctl, type the org name or pass --yes) and publish again.",
	}
}
