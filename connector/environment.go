package connector

import (
	"fmt"
	"strings"

	"github.com/connectors-app/connectors/internal/safetext"
)

// Environment is the slot a connector occupies for its system: one of the
// three built-in environments, or a named one (UAT, QA, Staging…) that an
// admin adds, which carries its Salesforce org kind: "uat:sandbox",
// "eu:production". The kind is what the environment check (an org of the
// wrong kind is refused) and the production safeguards use.
type Environment string

// The three built-in environments, lower case on disk and on the command line.
const (
	Production Environment = "production"
	Sandbox    Environment = "sandbox"
	Test       Environment = "test"
)

// Environments lists the built-in environments in display order.
var Environments = []Environment{Production, Sandbox, Test}

// maxEnvName is the longest name of a named environment.
const maxEnvName = 20

// NamedEnvironment builds the named environment name of org kind kind
// (Production or Sandbox), e.g. NamedEnvironment("UAT", Sandbox) is
// "uat:sandbox".
func NamedEnvironment(name string, kind Environment) (Environment, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	if err := validEnvName(name); err != nil {
		return "", err
	}
	if kind != Production && kind != Sandbox {
		return "", &Problem{Code: CodeInvalidValue, ID: "org_kind_unknown", Args: map[string]any{"Value": safetext.Value(string(kind))},
			Message: "Unknown org kind " + safetext.Value(string(kind)) + ".", Fix: "Use production or sandbox."}
	}
	if isBuiltin(Environment(name)) {
		return Environment(name), nil
	}
	return Environment(name + ":" + string(kind)), nil
}

func validEnvName(name string) error {
	if name == "" || len(name) > maxEnvName {
		return &Problem{Code: CodeInvalidValue, ID: "env_name_length", Args: map[string]any{"Value": safetext.Value(name), "Max": maxEnvName},
			Message: "The environment name " + safetext.Value(name) + " is empty or too long.",
			Fix:     fmt.Sprintf("Name it with 1 to %d letters or digits, e.g. UAT.", maxEnvName)}
	}
	for _, r := range name {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' && r != '_' {
			return &Problem{Code: CodeInvalidValue, ID: "env_name_chars", Args: map[string]any{"Value": safetext.Value(name)},
				Message: "The environment name " + safetext.Value(name) + " has characters other than letters, digits, '-' and '_'.",
				Fix:     "Use production, sandbox, test, or a name of letters and digits with its org kind, e.g. UAT:sandbox."}
		}
	}
	return nil
}

func isBuiltin(e Environment) bool { return e == Production || e == Sandbox || e == Test }

// ParseEnvironment accepts any case: "Sandbox", "SANDBOX", "sandbox", a
// named environment with its org kind ("UAT:sandbox"), or a named
// environment's name alone ("UAT"), which finds an existing connector but
// cannot create one (its org kind is unknown).
func ParseEnvironment(s string) (Environment, error) {
	orig := strings.TrimSpace(s)
	s = strings.ToLower(orig)
	if e := Environment(s); isBuiltin(e) {
		return e, nil
	}
	name, kind, hasKind := strings.Cut(s, ":")
	if err := validEnvName(name); err != nil {
		return "", fmt.Errorf("unknown environment %s: use production, sandbox, test, or a name of letters and digits with its org kind, e.g. UAT:sandbox", safetext.Value(orig))
	}
	if !hasKind {
		return Environment(name), nil
	}
	return NamedEnvironment(name, Environment(kind))
}

// Name is the environment's name: "production", "uat".
func (e Environment) Name() string {
	name, _, _ := strings.Cut(string(e), ":")
	return name
}

// Kind is the Salesforce org kind the environment expects: Production or
// Sandbox (Test is a sandbox slot). A named environment given without its
// kind ("uat") counts as a sandbox.
func (e Environment) Kind() Environment {
	if e == Production {
		return Production
	}
	if _, kind, ok := strings.Cut(string(e), ":"); ok && Environment(kind) == Production {
		return Production
	}
	return Sandbox
}

// IsNamed reports whether e is an environment an admin added (not
// Production, Sandbox or Test).
func (e Environment) IsNamed() bool { return e != "" && !isBuiltin(e) }

// HasKind reports whether the environment's org kind is known: a built-in
// one, or a named one with its kind. Only those can create a connector.
func (e Environment) HasKind() bool { return isBuiltin(e) || strings.Contains(string(e), ":") }

// Same reports whether two environments are the same slot: the same name,
// whatever the case and whether the kind is spelled out.
func (e Environment) Same(o Environment) bool { return strings.EqualFold(e.Name(), o.Name()) }

// Title is the display form: "Production", "Sandbox", "Test", and for a
// named environment its name, short ones in capitals ("UAT", "QA",
// "Staging").
func (e Environment) Title() string {
	name := e.Name()
	if name == "" {
		return ""
	}
	if e.IsNamed() && len(name) <= 4 {
		return strings.ToUpper(name)
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

// envKindText names an environment with its org kind in a sentence:
// "sandbox", "production", "test", "UAT (sandbox)".
func EnvKindText(e Environment) string {
	if e.IsNamed() {
		return e.Title() + " (" + string(e.Kind()) + ")"
	}
	return string(e)
}

// IsProduction reports whether the environment expects a production org:
// Production, or a named environment of kind production.
func (e Environment) IsProduction() bool { return e.Kind() == Production }

// DefaultLoginURL is the generic login host for the environment's org kind.
func (e Environment) DefaultLoginURL() string {
	if e.IsProduction() {
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
		return Key{}, fmt.Errorf("%s is not a connector: write SYSTEM/ENVIRONMENT, e.g. Lightning/Sandbox", safetext.Value(s))
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
		return &Problem{Code: CodeInvalidValue, ID: "system_name_empty", Message: "The system name is empty.", Fix: "Give a name such as Lightning."}
	}
	if len(s) > 40 {
		return &Problem{Code: CodeInvalidValue, ID: "system_name_too_long", Args: map[string]any{"Value": safetext.Value(s)},
			Message: "The system name " + safetext.Value(s) + " is too long.", Fix: "Use at most 40 characters."}
	}
	for _, r := range s {
		if r == '/' || r < 0x20 || r == 0x7f {
			char := fmt.Sprintf("%q", r)
			return &Problem{Code: CodeInvalidValue, ID: "system_name_char", Args: map[string]any{"Value": safetext.Value(s), "Char": char},
				Message: "The system name " + safetext.Value(s) + " contains " + char + ".", Fix: "Use letters, digits, spaces, '-' or '_'."}
		}
	}
	return nil
}

// ConfirmsProduction is the one rule for a typed production confirmation:
// the answer, without surrounding spaces, is one of the accepted words (the
// org's name, "yes" where a front end offers it, "Production" for several
// orgs), in any case. Empty words accept nothing.
func ConfirmsProduction(answer string, accepted ...string) bool {
	answer = strings.TrimSpace(answer)
	for _, w := range accepted {
		if w = strings.TrimSpace(w); w != "" && strings.EqualFold(answer, w) {
			return true
		}
	}
	return false
}
