package auth

import (
	"context"
	"errors"
	"time"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/salesforce"
)

// revokeTimeout bounds the revoke call of Disconnect.
const revokeTimeout = 15 * time.Second

// Disconnect revokes the refresh token at Salesforce, then deletes the local
// tokens even when the revoke failed (DisconnectResult.Problem says so and
// how to revoke by hand). The connector definition stays.
func (s *Sessions) Disconnect(ctx context.Context, k connector.Key) (*DisconnectResult, error) {
	conn, err := s.Registry.Get(k)
	if err != nil {
		return nil, err
	}
	k = conn.Key()
	log := s.Log().With("connector", k.String())
	res := &DisconnectResult{}
	if conn.IsHeadless() {
		return s.disconnectHeadless(ctx, conn, res)
	}
	tok, err := s.connectorTokens(ctx, conn)
	switch {
	case err == nil:
	case connector.AsProblem(err).Code == connector.CodeNotAuthorized:
		tok = nil
	default:
		return nil, err
	}
	if tok != nil {
		secret := tok.RefreshToken
		if secret == "" {
			secret = tok.AccessToken
		}
		rctx, cancel := context.WithTimeout(ctx, revokeTimeout)
		issuer := tok.LoginURL // the token goes back only to the host that issued it
		if issuer == "" {
			issuer = conn.LoginURL
		}
		err := salesforce.Revoke(rctx, s.Client(), issuer, secret)
		cancel()
		var ae *salesforce.APIError
		switch {
		case err == nil:
			res.Revoked = true
		case errors.As(err, &ae) && ae.StatusCode == 400:
			// invalid_token: already revoked or expired; nothing lingers
			res.Revoked = true
			log.Info("the token was already invalid at Salesforce")
		default:
			log.Warn("revoke failed; removing the local tokens anyway", "error", err)
			res.Problem = &connector.Problem{
				Code:    connector.CodeRevokeFailed,
				Message: "The app could not reach Salesforce to revoke the authorization, so it was only removed from this computer.",
				Fix:     "To revoke it, " + connector.RevokeManualPath + ".",
				Err:     err,
			}
		}
	}
	if err := s.Tokens.Delete(conn.TokenKey()); err != nil {
		return res, connector.KeyringProblem(err)
	}
	res.LocalDeleted = true
	now := s.Clock().UTC()
	if _, err := s.Registry.Update(k, func(c *connector.Connector) error {
		c.NeedsReauth = false
		c.LastState = connector.StateNotAuthorized
		c.LastCheck = &now
		return nil
	}); err != nil {
		log.Warn("could not record the disconnect", "error", err)
	}
	log.Info("disconnected", "revoked", res.Revoked)
	return res, nil
}

// Remove disconnects and deletes the connector definition. When the revoke
// failed, the connector is still removed and the CodeRevokeFailed problem
// is returned so the user learns how to revoke it by hand.
func (s *Sessions) Remove(ctx context.Context, k connector.Key) error {
	res, err := s.Disconnect(ctx, k)
	if err != nil {
		return err
	}
	if err := s.Registry.Delete(k); err != nil {
		return err
	}
	s.Log().Info("connector removed", "connector", k.String())
	if res.Problem != nil {
		return res.Problem
	}
	return nil
}
