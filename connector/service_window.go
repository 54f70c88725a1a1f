package connector

// The Service operations the window (and the demo) need beyond the flows:
// the connector list, adding, renaming and resetting a connector, and
// importing a connectors file. Each write is one registry transaction, so
// the front ends never write the registry themselves.

import (
	"errors"
	"strings"
)

// ConnectorSettings are where a connector signs in and with which OAuth
// client: what an admin gives when adding a system.
type ConnectorSettings struct {
	// LoginURL is the login host (anything NormalizeLoginURL accepts);
	// empty means the environment's default (Environment.DefaultLoginURL).
	LoginURL string
	// ClientID is the consumer key of the admin's own External Client App;
	// empty means DefaultClientID.
	ClientID string
	// CallbackPorts are the loopback ports registered in that app, tried
	// in order; empty means DefaultCallbackPorts.
	CallbackPorts []int
}

// Connectors lists the connectors in display order.
func (s *Service) Connectors() ([]Connector, error) { return s.Registry.List() }

// errConnectorExists stops AddConnector's transaction without a write.
var errConnectorExists = errors.New("connector exists")

// AddConnector creates connector k, not yet authorized, with set, in one
// registry transaction. There is one connector per system × environment:
// when k exists (whatever the case of its system) it is returned as it is,
// with added false, and nothing is written.
func (s *Service) AddConnector(k Key, set ConnectorSettings) (c Connector, added bool, err error) {
	login, err := settingsLoginURL(k, set)
	if err != nil {
		return Connector{}, false, err
	}
	var existing Connector
	c, err = s.Registry.Upsert(k, func(c *Connector) error {
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
		return Connector{}, false, err
	}
	return c, true, nil
}

// ResetConnector puts connector k back as before its first authorization,
// signing in with set: no org, no recorded state, check, publish or drift,
// and its tokens deleted. It is created when absent; an existing one keeps
// its ID, name, resource name and auth method (so its backups and history
// stay its own). The demo starts from it: each run's simulated org is a new
// org, which no earlier sign-in knows.
func (s *Service) ResetConnector(k Key, set ConnectorSettings) (Connector, error) {
	login, err := settingsLoginURL(k, set)
	if err != nil {
		return Connector{}, err
	}
	c, err := s.Registry.Upsert(k, func(c *Connector) error {
		c.LoginURL, c.ClientID, c.CallbackPorts = login, strings.TrimSpace(set.ClientID), append([]int(nil), set.CallbackPorts...)
		c.Org, c.NeedsReauth, c.LastCheck, c.LastState = nil, false, nil, ""
		c.LastPublish, c.Drift, c.LegacyTokens = nil, nil, false
		return nil
	})
	if err != nil {
		return Connector{}, err
	}
	if !c.IsHeadless() {
		if err := s.Tokens.Delete(c.TokenKey()); err != nil {
			return c, keyringProblem(err)
		}
	}
	return c, nil
}

// settingsLoginURL is set's login URL for k, normalised, or k's
// environment's default.
func settingsLoginURL(k Key, set ConnectorSettings) (string, error) {
	if strings.TrimSpace(set.LoginURL) == "" {
		return k.Environment.DefaultLoginURL(), nil
	}
	return NormalizeLoginURL(set.LoginURL, k.Environment)
}

// Rename gives connector k a new system name, keeping everything else
// (Registry.Rename says what is refused). It returns the renamed connector.
func (s *Service) Rename(k Key, newSystem string) (Connector, error) {
	return s.Registry.Rename(k, newSystem)
}

// ImportConnectors puts the connectors of f into the registry, created or
// replaced, each with the org recorded in the file, in one transaction
// (Registry.Import).
func (s *Service) ImportConnectors(f *ExportFile) error { return s.Registry.Import(f) }
