package connector

import "strings"

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

// LoginURLFor is set's login URL for k, normalised, or k's environment's
// default: the one rule for where a new connector signs in.
func (set ConnectorSettings) LoginURLFor(k Key) (string, error) {
	if strings.TrimSpace(set.LoginURL) == "" {
		return k.Environment.DefaultLoginURL(), nil
	}
	return NormalizeLoginURL(set.LoginURL, k.Environment)
}
