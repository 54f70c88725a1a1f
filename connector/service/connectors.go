package service

// The Service operations the window (and the demo) need beyond the flows:
// the connector list, adding, renaming and resetting a connector, and
// importing a connectors file. Each write is one registry transaction, so
// the front ends never write the registry themselves.

import (
	"errors"
	"strings"

	"github.com/connectors-app/connectors/connector"
)

// Connectors lists the connectors in display order.
func (s *Service) Connectors() ([]connector.Connector, error) { return s.Registry.List() }

// errConnectorExists stops AddConnector's transaction without a write.
var errConnectorExists = errors.New("connector exists")

// AddConnector creates connector k, not yet authorized, with set, in one
// registry transaction. There is one connector per system × environment:
// when k exists (whatever the case of its system) it is returned as it is,
// with added false, and nothing is written.
func (s *Service) AddConnector(k connector.Key, set connector.ConnectorSettings) (c connector.Connector, added bool, err error) {
	login, err := set.LoginURLFor(k)
	if err != nil {
		return connector.Connector{}, false, err
	}
	var existing connector.Connector
	c, err = s.Registry.Upsert(k, func(c *connector.Connector) error {
		if c.ID != "" { // only a stored connector has an ID before the write
			existing = *c
			return errConnectorExists
		}
		c.LoginURL, c.ClientID, c.CallbackPorts = login, strings.TrimSpace(set.ClientID), append([]int(nil), set.CallbackPorts...)
		return nil
	})
	if errors.Is(err, errConnectorExists) {
		return existing, false, nil
	}
	if err != nil {
		return connector.Connector{}, false, err
	}
	return c, true, nil
}

// ResetConnector puts connector k back as before its first authorization,
// signing in with set: no org, no recorded state, check, publish or drift,
// and its tokens deleted. It is created when absent; an existing one keeps
// its ID, name, resource name and auth method (so its backups and history
// stay its own). The demo starts from it: each run's simulated org is a new
// org, which no earlier sign-in knows.
func (s *Service) ResetConnector(k connector.Key, set connector.ConnectorSettings) (connector.Connector, error) {
	login, err := set.LoginURLFor(k)
	if err != nil {
		return connector.Connector{}, err
	}
	c, err := s.Registry.Upsert(k, func(c *connector.Connector) error {
		c.LoginURL, c.ClientID, c.CallbackPorts = login, strings.TrimSpace(set.ClientID), append([]int(nil), set.CallbackPorts...)
		c.Org, c.NeedsReauth, c.LastCheck, c.LastState = nil, false, nil, ""
		c.LastPublish, c.Drift, c.LegacyTokens = nil, nil, false
		return nil
	})
	if err != nil {
		return connector.Connector{}, err
	}
	if !c.IsHeadless() {
		if err := s.Tokens.Delete(c.TokenKey()); err != nil {
			return c, connector.KeyringProblem(err)
		}
	}
	return c, nil
}

// Rename gives connector k a new system name, keeping everything else
// (Registry.Rename says what is refused). It returns the renamed connector.
func (s *Service) Rename(k connector.Key, newSystem string) (connector.Connector, error) {
	return s.Registry.Rename(k, newSystem)
}

// ImportConnectors puts the connectors of f into the registry, created or
// replaced, each with the org recorded in the file, in one transaction
// (Registry.Import).
func (s *Service) ImportConnectors(f *connector.ExportFile) error { return s.Registry.Import(f) }
