package publish

import (
	"context"
	"fmt"

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
