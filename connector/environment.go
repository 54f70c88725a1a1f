package connector

import (
	"fmt"
	"strings"
)

// Environment is the slot a connector occupies for its system.
type Environment string

// The three environments, lower case on disk and on the command line.
const (
	Production Environment = "production"
	Sandbox    Environment = "sandbox"
	Test       Environment = "test"
)

// Environments lists every environment in display order.
var Environments = []Environment{Production, Sandbox, Test}

// ParseEnvironment accepts any case ("Sandbox", "SANDBOX", "sandbox").
func ParseEnvironment(s string) (Environment, error) {
	switch Environment(strings.ToLower(strings.TrimSpace(s))) {
	case Production:
		return Production, nil
	case Sandbox:
		return Sandbox, nil
	case Test:
		return Test, nil
	}
	return "", fmt.Errorf("unknown environment %q: use production, sandbox or test", s)
}

// Title is the display form: "Production", "Sandbox", "Test".
func (e Environment) Title() string {
	if e == "" {
		return ""
	}
	return strings.ToUpper(string(e[:1])) + string(e[1:])
}

// IsProduction reports whether the environment is production.
func (e Environment) IsProduction() bool { return e == Production }

// DefaultLoginURL is the generic login host for the environment.
func (e Environment) DefaultLoginURL() string {
	if e == Production {
		return "https://login.salesforce.com"
	}
	return "https://test.salesforce.com"
}

// Key addresses one connector: SYSTEM/ENVIRONMENT, e.g. "Lightning/Sandbox".
type Key struct {
	System      string      `json:"system"`
	Environment Environment `json:"environment"`
}

// String formats the key as "System/Environment" (environment title-cased).
func (k Key) String() string { return k.System + "/" + k.Environment.Title() }

// ParseKey parses "SYSTEM/ENV"; the environment is case-insensitive.
func ParseKey(s string) (Key, error) {
	i := strings.LastIndex(s, "/")
	if i <= 0 || i == len(s)-1 {
		return Key{}, fmt.Errorf("%q is not a connector: write SYSTEM/ENVIRONMENT, e.g. Lightning/Sandbox", s)
	}
	sys := strings.TrimSpace(s[:i])
	if err := ValidateSystemName(sys); err != nil {
		return Key{}, err
	}
	env, err := ParseEnvironment(s[i+1:])
	if err != nil {
		return Key{}, err
	}
	return Key{System: sys, Environment: env}, nil
}

// ValidateSystemName checks a system name ("Lightning", "Demo"): 1 to 40
// characters, no slash, no control characters.
func ValidateSystemName(s string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("the system name is empty: give a name such as Lightning")
	}
	if len(s) > 40 {
		return fmt.Errorf("the system name %q is too long: use at most 40 characters", s)
	}
	for _, r := range s {
		if r == '/' || r < 0x20 || r == 0x7f {
			return fmt.Errorf("the system name %q contains %q: use letters, digits, spaces, '-' or '_'", s, r)
		}
	}
	return nil
}
