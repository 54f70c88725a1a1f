package health

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/auth"
	"github.com/connectors-app/connectors/connector/salesforce"
)

// StatusConcurrency bounds how many connectors StatusAll checks at once.
const StatusConcurrency = 8

// Status runs a live check of one connector, bounded by the per-check
// timeout (CheckTimeout), and records LastCheck/LastState in the registry.
func (s *Checker) Status(ctx context.Context, k connector.Key) connector.Status {
	start := time.Now()
	st := connector.Status{Key: k, Connector: k.String(), CheckedAt: s.Clock().UTC()}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, s.checkTimeout())
	defer cancel()
	found := s.check(ctx, k, &st)
	st.Duration = time.Since(start)
	if found && parent.Err() == nil { // a canceled check says nothing about the connector
		checked := st.CheckedAt
		if _, err := s.Registry.Update(st.Key, func(c *connector.Connector) error {
			c.LastCheck, c.LastState = &checked, st.State
			if st.SessionValid {
				c.NeedsReauth = false
			}
			if st.DriftChecked {
				c.Drift = st.Drift
			}
			return nil
		}); err != nil {
			s.Log().Warn("could not record the status", "connector", st.Connector, "error", err)
		}
	}
	s.Log().Info("status checked", "connector", st.Connector, "state", st.State, "duration", st.Duration.Round(time.Millisecond))
	return st
}

// StatusAll checks many connectors concurrently (at most StatusConcurrency
// at a time, each bounded by the per-check timeout, so one slow org never
// stalls the rest); nil keys means all. Results come back in the order of
// keys (or of List).
func (s *Checker) StatusAll(ctx context.Context, keys []connector.Key) []connector.Status {
	if keys == nil {
		list, err := s.Registry.List()
		if err != nil {
			p := connector.Explain(err)
			return []connector.Status{{State: connector.StateUnreachable, Message: p.Message, Fix: p.Fix, CheckedAt: s.Clock().UTC()}}
		}
		for _, c := range list {
			keys = append(keys, c.Key())
		}
	}
	out := make([]connector.Status, len(keys))
	sem := make(chan struct{}, StatusConcurrency)
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				out[i] = s.Status(ctx, k) // reports the cancellation quickly
				return
			}
			defer func() { <-sem }()
			out[i] = s.Status(ctx, k)
		})
	}
	wg.Wait()
	return out
}

func (s *Checker) checkTimeout() time.Duration {
	if s.CheckTimeout > 0 {
		return s.CheckTimeout
	}
	return connector.DefaultCheckTimeout
}

// check fills st; it reports whether the connector exists.
func (s *Checker) check(ctx context.Context, k connector.Key, st *connector.Status) bool {
	conn, err := s.Registry.Get(k)
	if err != nil {
		p := connector.Explain(err)
		st.State, st.Message, st.Fix = connector.StateNotAuthorized, p.Message, p.Fix
		return false
	}
	st.Key, st.Connector = conn.Key(), conn.Key().String()
	st.CredentialSource = conn.CredentialSource()
	if conn.Org != nil {
		org := *conn.Org
		st.Org = &org
	}
	client, _, err := s.Session(ctx, st.Key)
	if err != nil {
		s.failState(st, conn, err)
		return true
	}
	st.TokensPresent = true

	in, err := s.InspectOrg(ctx, client, "")
	if err != nil {
		s.failState(st, conn, err)
		return true
	}
	st.SessionValid = true
	recordUsage(st, client)
	st.Permissions = in.Permissions
	orgChanged := applyInspectedOrg(st, conn, in)
	if st.Permissions.APIEnabled {
		s.checkResource(ctx, st, conn, client)
		recordUsage(st, client)
	}
	st.State = connector.LiveState(conn, st.EnvironmentChecked, st.EnvironmentOK, orgChanged, st.Permissions)
	describeLiveState(st, conn, in)
	return true
}

// recordUsage copies the API usage the org reported on the client's last
// call, if it reported any.
func recordUsage(st *connector.Status, client *salesforce.Client) {
	if u := client.LastUsage(); u != nil {
		st.APIUsage = &connector.APIUsage{Used: u.Used, Max: u.Max}
	}
}

// applyInspectedOrg records what the org said about itself (name, sandbox,
// whether the environment matches); it reports whether the org ID changed,
// in which case the recorded ID is kept so the message can name both.
func applyInspectedOrg(st *connector.Status, conn connector.Connector, in *auth.OrgInspection) bool {
	if in.Org == nil {
		return false
	}
	st.EnvironmentChecked = true
	st.EnvironmentOK = in.IsSandbox != conn.Environment.IsProduction()
	orgChanged := st.Org.OrgID != "" && !auth.SameOrgID(st.Org.OrgID, in.Org.ID)
	st.Org.OrgName, st.Org.IsSandbox = in.Org.Name, in.Org.IsSandbox
	if !orgChanged {
		st.Org.OrgID = in.Org.ID
	}
	return orgChanged
}

// checkResource looks up the judged resource in the org and records it with
// its drift; a publish of ours whose answer was lost is reconciled. A failed
// lookup is logged and leaves the drift unchecked.
func (s *Checker) checkResource(ctx context.Context, st *connector.Status, conn connector.Connector, client *salesforce.Client) {
	list, err := client.ListStaticResources(ctx)
	if err != nil {
		s.Log().Warn("resource lookup failed", "connector", st.Connector, "error", err)
		return
	}
	resource := statusResource(conn)
	r := list.Find(resource)
	if r != nil {
		st.Resource = &connector.ResourceInfo{
			ID: r.ID, Name: r.Name, Size: r.BodyLength, LastModified: r.LastModifiedDate,
			Fingerprint: connector.FingerprintFromDescription(r.Description), ContentType: r.ContentType,
		}
	}
	st.Drift, st.Found = s.LiveDrift(conn, resource, r)
	if st.Found.Provenance == connector.ProvOwn {
		s.Reconcile(conn, resource, r, st.Found) // a publish whose answer was lost: it landed
	}
	st.DriftChecked = true
}

// describeLiveState sets the message and fix for the state a live check
// reached.
func describeLiveState(st *connector.Status, conn connector.Connector, in *auth.OrgInspection) {
	switch st.State {
	case connector.StateSandboxRefreshed:
		st.Message = fmt.Sprintf("%s now reaches a different org (%s, was %s): the sandbox was probably refreshed.", st.Connector, in.Org.ID, conn.Org.OrgID)
		st.Fix = "Authorize it again so Connectors records the new org."
	case connector.StateEnvMismatch:
		kind := "a production org"
		if in.IsSandbox {
			kind = "a sandbox"
		}
		st.Message = fmt.Sprintf("%s is a %s connector, but it is connected to %s (%s).", st.Connector, conn.Environment, kind, in.Org.Name)
		st.Fix = "Authorize it again with the right org, or use the connector of the matching environment."
	case connector.StatePermissionMissing:
		p := auth.PermissionProblem(st.Permissions)
		st.Message, st.Fix = p.Message, p.Fix
	default:
		st.Message = fmt.Sprintf("%s is connected to %s as %s.", st.Connector, connector.OrgLabel(st.Org), connector.UserLabel(st.Org))
		if st.EnvironmentChecked && !st.EnvironmentOK {
			st.Message = fmt.Sprintf("%s is connected to %s as %s (environment mismatch allowed).", st.Connector, connector.OrgLabel(st.Org), connector.UserLabel(st.Org))
		}
	}
}

// failState sets the state for a failed session or first call.
func (s *Checker) failState(st *connector.Status, conn connector.Connector, err error) {
	p := connector.Explain(err)
	st.Message, st.Fix = p.Message, p.Fix
	switch p.Code {
	case connector.CodeNotAuthorized:
		st.State = connector.StateNotAuthorized
	case connector.CodeKeyring:
		st.State = connector.StateKeyringError
		return
	case connector.CodeWrongOrg:
		st.TokensPresent = true
		st.State = connector.StateNeedsReauth // only a new authorization can fix it
	case connector.CodeNeedsReauth:
		st.TokensPresent = true
		st.State = connector.StateNeedsReauth
		if conn.LastState == connector.StateSandboxRefreshed {
			st.State = connector.StateSandboxRefreshed // the org ID had already changed: that is why
			st.Message = fmt.Sprintf("%s can no longer reach its org: the sandbox was refreshed.", conn.Key())
			st.Fix = "Authorize it again."
		}
	case connector.CodeJWTKey, connector.CodeClientSecret:
		st.State = connector.StateNotAuthorized // no key or secret given to this run
	case connector.CodeJWTAudience, connector.CodeConsumerNotApproved, connector.CodeInvalidAssertion, connector.CodeNeedsMyDomain, connector.CodeAppNotInstalled, connector.CodeInvalidClient:
		st.State = connector.StateNeedsReauth // the headless grant was refused: its fix says what to change
	case connector.CodeAPIDisabled:
		st.TokensPresent, st.SessionValid = true, true
		st.Permissions = connector.Permissions{Checked: true} // API Enabled missing; Customize Application not checked
		st.State = connector.StatePermissionMissing
	default:
		st.TokensPresent = true
		st.State = connector.StateUnreachable
		var ctxErr bool
		if errors.Is(err, context.DeadlineExceeded) {
			ctxErr = true
		}
		if ctxErr || p.Code == connector.CodeTimeout {
			st.Message = fmt.Sprintf("%s did not answer within %s.", connector.HostOf(instanceOf(conn)), s.checkTimeout())
			st.Fix = "Check your internet connection and proxy settings, or try again later."
		}
	}
}

func instanceOf(c connector.Connector) string {
	if c.Org != nil && c.Org.InstanceURL != "" {
		return c.Org.InstanceURL
	}
	return c.LoginURL
}

// statusResource is the resource a live check judges: the one this folder
// last published (perhaps with --resource), else the connector's.
func statusResource(conn connector.Connector) string {
	if rec := conn.LastPublish; rec != nil && rec.Resource != "" {
		return rec.Resource
	}
	return conn.EffectiveResourceName()
}
