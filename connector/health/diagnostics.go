package health

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"
	"unicode"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/internal/lazyregexp"
	"github.com/connectors-app/connectors/internal/safetext"
)

// Diagnostics is a redacted plain-text report for support: app version, Go,
// OS and architecture, WSL, keyring backend, config folder, proxy, each
// connector with its environment, login host, org, user, last state and
// publish, the preflight checks and the recent errors passed in. Control
// characters from outside are escaped (safetext), and a final scrub masks
// anything that looks like a token, so it never contains one.
func (s *Checker) Diagnostics(ctx context.Context, appVersion string, recentErrors []string) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("Connectors diagnostics (tokens and secrets are masked)")
	line("Generated:      %s", s.Clock().UTC().Format(time.RFC3339))
	line("App version:    %s", orDash(appVersion))
	line("Go:             %s", runtime.Version())
	line("OS/arch:        %s/%s", runtime.GOOS, runtime.GOARCH)
	line("WSL:            %s", yesNo(isWSL()))
	backend := "none"
	if s.Tokens != nil {
		backend = s.Tokens.Backend()
	}
	line("Keyring:        %s", backend)
	dir := ""
	if s.Registry != nil {
		dir = s.Registry.Dir()
	}
	line("Config folder:  %s", orDash(dir))
	line("Proxy:          %s", checkProxy().Detail)
	line("")

	if s.Registry != nil {
		list, err := s.Registry.List()
		switch {
		case err != nil:
			line("Connectors: cannot be read: %s", connector.Explain(err).Message)
		case len(list) == 0:
			line("Connectors: none")
		default:
			line("Connectors (%d):", len(list))
			for _, c := range list {
				writeConnector(&b, c)
			}
		}
		line("")
	}

	line("Checks:")
	for _, c := range s.Doctor(ctx) {
		mark := "ok  "
		if !c.OK {
			mark = "FAIL"
		}
		line("  [%s] %s: %s", mark, c.Name, c.Detail)
		if c.Fix != "" {
			line("         fix: %s", c.Fix)
		}
	}
	line("")
	if len(recentErrors) == 0 {
		line("Recent errors: none")
	} else {
		line("Recent errors (%d):", len(recentErrors))
		for _, e := range recentErrors {
			line("  - %s", safetext.Escape(strings.ReplaceAll(strings.TrimSpace(e), "\n", " ")))
		}
	}
	// Org and user names, resource names and the recent errors come from
	// outside: nothing in the report may drive a terminal.
	return RedactSecrets(safetext.EscapeLines(b.String()))
}

func writeConnector(b *strings.Builder, c connector.Connector) {
	fmt.Fprintf(b, "  - %s\n", c.Key())
	fmt.Fprintf(b, "      environment: %s; login host: %s; client: %s; ports: %v; resource: %s; credential: %s\n",
		c.Environment, connector.HostOf(c.LoginURL), c.EffectiveClientID(), c.EffectivePorts(), c.EffectiveResourceName(), c.CredentialSource())
	if c.Org != nil {
		fmt.Fprintf(b, "      org: %s %q (sandbox: %s); instance: %s; user: %s; authorized: %s\n",
			orDash(c.Org.OrgID), c.Org.OrgName, yesNo(c.Org.IsSandbox), connector.HostOf(c.Org.InstanceURL), orDash(c.Org.Username),
			c.Org.AuthorizedAt.UTC().Format(time.RFC3339))
	} else {
		fmt.Fprintf(b, "      org: not authorized yet\n")
	}
	check := "never"
	if c.LastCheck != nil {
		check = c.LastCheck.UTC().Format(time.RFC3339)
	}
	fmt.Fprintf(b, "      last state: %s (checked %s); needs re-authorization: %s; environment mismatch allowed: %s\n",
		orDash(string(c.LastState)), check, yesNo(c.NeedsReauth), yesNo(c.AllowEnvironmentMismatch))
	if p := c.LastPublish; p != nil {
		fmt.Fprintf(b, "      last publish: %s %s (%d bytes, %s, restored: %s)\n",
			p.At.UTC().Format(time.RFC3339), p.Resource, p.Size, orDash(p.Fingerprint), yesNo(p.Restored))
	} else {
		fmt.Fprintf(b, "      last publish: never\n")
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func yesNo(v bool) string {
	if v {
		return "yes"
	}
	return "no"
}

// Redaction patterns, applied in order.
var (
	// Salesforce access tokens: 00D + org id + ! + opaque part.
	sfAccessTokenRE = lazyregexp.New(`00D[A-Za-z0-9]{12,15}![A-Za-z0-9._\-]*`)
	// Authorization headers.
	bearerRE = lazyregexp.New(`(?i)\b(Bearer|OAuth)\s+[A-Za-z0-9._~+/=!*\-]+`)
	// key=value pairs (query strings, form bodies, env-style) of secret-bearing fields.
	secretFormRE = lazyregexp.New(`(?i)\b(access_token|refresh_token|id_token|client_secret|code_verifier|password|passwd|oauth_token|sid|code|token|secret)=[^\s&"';,]+`)
	// "key": "value" pairs (JSON, headers) of unambiguous secret fields.
	secretJSONRE = lazyregexp.New(`(?i)("?(?:access_token|refresh_token|id_token|client_secret|password)"?\s*:\s*"?)[^\s",}]+`)
	// user:password@ in URLs.
	userinfoURLRE = lazyregexp.New(`(?i)([a-z][a-z0-9+.\-]*://)[^/\s@]+@`)
	// long opaque runs (refresh tokens, JWTs, base64 secrets).
	opaqueRunRE = lazyregexp.New(`[A-Za-z0-9+_.=\-]{24,}`)
)

// RedactSecrets masks anything in s that looks like a token or secret:
// Salesforce access tokens (00D…!…), Bearer headers, access_token=,
// refresh_token=, code=, password= and similar fields, URL credentials, and
// long mixed-case alphanumeric runs (refresh tokens, JWTs, base64). Use it
// on any text that leaves the machine (diagnostics, copied errors).
func RedactSecrets(s string) string {
	s = sfAccessTokenRE.ReplaceAllStringFunc(s, func(m string) string {
		i := strings.IndexByte(m, '!')
		return m[:i] + "!****"
	})
	s = bearerRE.ReplaceAllString(s, "$1 ****")
	s = secretFormRE.ReplaceAllString(s, "$1=****")
	s = secretJSONRE.ReplaceAllString(s, "$1****")
	s = userinfoURLRE.ReplaceAllString(s, "$1****@")
	s = opaqueRunRE.ReplaceAllStringFunc(s, func(m string) string {
		if looksOpaque(m) {
			return "****"
		}
		return m
	})
	return s
}

// looksOpaque reports a run with upper and lower case letters and digits
// and no word-like structure: a token, not a host name or a path.
func looksOpaque(m string) bool {
	if strings.HasPrefix(m, "sha256:") {
		return false
	}
	var upper, lower, digit int
	for _, r := range m {
		switch {
		case unicode.IsUpper(r):
			upper++
		case unicode.IsLower(r):
			lower++
		case unicode.IsDigit(r):
			digit++
		}
	}
	return upper > 0 && lower > 0 && digit > 0
}
