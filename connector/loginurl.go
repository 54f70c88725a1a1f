package connector

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/connectors-app/connectors/internal/lazyregexp"
	"github.com/connectors-app/connectors/internal/safetext"
)

// ParseAllowedLoginHost reads a value of --allow-login-host: a host name
// or an IP address, with an optional port (HOST, HOST:PORT, [::1]:PORT),
// or a URL whose host and port are taken. It returns the host in lower
// case, with the port when one was given; without a port every port of the
// host is allowed.
func ParseAllowedLoginHost(v string) (string, error) {
	in := strings.TrimSpace(v)
	if strings.Contains(in, "://") {
		u, err := url.Parse(in)
		if err != nil || u.Host == "" || u.User != nil {
			return "", badAllowedHost(v)
		}
		in = u.Host
	}
	in = strings.TrimSuffix(strings.ToLower(in), "/")
	host, port := in, ""
	if h, p, err := net.SplitHostPort(in); err == nil {
		host, port = h, p
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if host == "" || strings.ContainsAny(host, "/@?#[] ") || (port != "" && !isPort(port)) {
		return "", badAllowedHost(v)
	}
	if net.ParseIP(host) == nil {
		for _, l := range strings.Split(host, ".") {
			if !labelRE.MatchString(l) {
				return "", badAllowedHost(v)
			}
		}
	}
	return joinHostPort(host, port), nil
}

func isPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n >= 1 && n <= 65535 && strconv.Itoa(n) == p
}

func joinHostPort(host, port string) string {
	if port == "" {
		if strings.Contains(host, ":") {
			return "[" + host + "]"
		}
		return host
	}
	return net.JoinHostPort(host, port)
}

func badAllowedHost(v string) *Problem {
	return &Problem{
		Code:    CodeInvalidLoginURL,
		ID:      "allow_login_host_invalid",
		Message: fmt.Sprintf("%s cannot be used as an allowed login host.", safetext.Value(v)),
		Fix:     "Give a host name with an optional port, e.g. --allow-login-host localhost:4321 for a simulated org.",
	}
}

// Salesforce host families a pasted address may come from, longest suffix
// first within each, and what they map to. kind is the label before the
// family ("sandbox", "develop", "scratch", ...) or "" for production.
var hostFamilies = []struct {
	suffix string // e.g. ".lightning.force.com"
	what   string // for messages
}{
	{".my.salesforce.com", "My Domain"},
	{".lightning.force.com", "Lightning"},
	{".my.salesforce-setup.com", "Setup"},
	{".vf.force.com", "Visualforce"},
	{".my.site.com", "Experience Cloud site"},
}

// hostKinds are the enhanced-domain partition labels between the My Domain
// name and the family suffix.
var hostKinds = map[string]bool{"sandbox": true, "develop": true, "scratch": true, "demo": true, "patch": true, "trailblaze": true, "free": true}

var (
	labelRE  = lazyregexp.New(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
	bareName = lazyregexp.New(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
)

// NormalizeLoginURL turns whatever an admin pasted (Lightning URL, Setup
// page, My Domain name, sandbox host...) into a login URL, or a
// CodeInvalidLoginURL problem saying why not. Empty means the environment's
// generic login host. http:// is accepted only for loopback hosts (a
// simulated org), whose port is kept.
func NormalizeLoginURL(input string, env Environment) (string, error) {
	in := strings.TrimSpace(input)
	if in == "" {
		return env.DefaultLoginURL(), nil
	}
	if !strings.Contains(in, "://") && !strings.ContainsAny(in, "./:@") {
		return bareMyDomain(input, strings.ToLower(in), env)
	}
	u, scheme, err := parseLoginAddress(input, in)
	if err != nil {
		return "", err
	}
	host := strings.TrimRight(strings.ToLower(u.Hostname()), ".")
	port := u.Port()
	if IsLoopbackHost(host) {
		return loopbackLoginURL(scheme, host, port), nil
	}
	if err := checkPublicHost(input, scheme, host, port); err != nil {
		return "", err
	}
	login, sandbox, err := mapSalesforceHost(input, host)
	if err != nil {
		return "", err
	}
	if err := checkHostEnv(login, sandbox, env); err != nil {
		return "", err
	}
	return login, nil
}

// parseLoginAddress parses a pasted address (https:// assumed when it has
// no scheme) and returns it with its scheme in lower case; it refuses what
// is not a web address, a scheme other than https:// and http://, and user
// information.
func parseLoginAddress(input, in string) (*url.URL, string, error) {
	raw := in
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, "", badLoginURL(input, "it is not a web address", "Paste the address of your Salesforce login page or My Domain, e.g. https://acme.my.salesforce.com.")
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "https" && scheme != "http" {
		return nil, "", badLoginURL(input, "it does not start with https://", "Paste an https:// address such as https://acme.my.salesforce.com.")
	}
	if u.User != nil {
		return nil, "", badLoginURL(input, "it contains a user name or password", "Remove everything before the @ and never paste passwords into a login address.")
	}
	return u, scheme, nil
}

// loopbackLoginURL is the login URL of a loopback host (a simulated org):
// its scheme, the host (an IPv6 address in brackets) and its port, if any.
func loopbackLoginURL(scheme, host, port string) string {
	out := scheme + "://" + host
	if strings.Contains(host, ":") {
		out = scheme + "://[" + host + "]"
	}
	if port != "" {
		out += ":" + port
	}
	return out
}

// checkPublicHost refuses what a Salesforce login host (not loopback) cannot
// be: an IP address, http://, a port, characters no host name has.
func checkPublicHost(input, scheme, host, port string) error {
	if net.ParseIP(host) != nil {
		return badLoginURL(input, "it is an IP address, not a Salesforce host", "Use your My Domain address, e.g. https://acme.my.salesforce.com.")
	}
	if scheme == "http" {
		return badLoginURL(input, "it uses http://, which would send your login unencrypted", "Use https:// instead.")
	}
	if port != "" && port != "443" {
		return badLoginURL(input, "Salesforce login addresses have no port number", "Remove the :"+port+".")
	}
	for _, l := range strings.Split(host, ".") {
		if !labelRE.MatchString(l) {
			return badLoginURL(input, "it contains characters a host name cannot have", "Paste the address from your browser's address bar, e.g. https://acme.my.salesforce.com.")
		}
	}
	return nil
}

// bareMyDomain handles a My Domain name typed without a host ("acme",
// "acme--uat").
func bareMyDomain(input, name string, env Environment) (string, error) {
	if !bareName.MatchString(name) {
		return "", badLoginURL(input, "it is neither a web address nor a My Domain name", "Paste the address of your Salesforce login page, or type just the My Domain name (for example acme).")
	}
	hasSandbox := strings.Contains(name, "--")
	switch {
	case env.IsProduction() && hasSandbox:
		return "", &Problem{
			Code:    CodeInvalidLoginURL,
			Message: fmt.Sprintf("%s looks like a sandbox (mydomain--sandboxname), but this is a production connector.", safetext.Value(strings.TrimSpace(input))),
			Fix:     "Use the sandbox or test connector for it, or type the production My Domain name without --.",
		}
	case env.IsProduction():
		return "https://" + name + ".my.salesforce.com", nil
	case !hasSandbox:
		return "", &Problem{
			Code:    CodeInvalidLoginURL,
			Message: fmt.Sprintf("%s has no sandbox name, but a %s connector needs mydomain--sandboxname.", safetext.Value(strings.TrimSpace(input)), env),
			Fix:     "Type it as mydomain--sandboxname (for example " + name + "--uat), or paste the sandbox's address from your browser.",
		}
	}
	return "https://" + name + ".sandbox.my.salesforce.com", nil
}

// mapSalesforceHost maps a Salesforce host to its login host and says
// whether it is a sandbox (or scratch org) host.
func mapSalesforceHost(input, host string) (login string, sandbox bool, err error) {
	switch host {
	case "login.salesforce.com":
		return "https://login.salesforce.com", false, nil
	case "test.salesforce.com":
		return "https://test.salesforce.com", true, nil
	}
	for _, f := range hostFamilies {
		if strings.HasSuffix(host, f.suffix) {
			return mapFamilyHost(input, host, f.suffix)
		}
	}
	switch {
	case strings.HasSuffix(host, ".salesforce.com") || strings.HasSuffix(host, ".force.com") ||
		strings.HasSuffix(host, ".salesforce-setup.com") || strings.HasSuffix(host, ".site.com") ||
		strings.HasSuffix(host, ".cloudforce.com") || strings.HasSuffix(host, ".documentforce.com"):
		return "", false, badLoginURL(input, "it is a Salesforce address but not a login host", "Paste your My Domain address (Setup → My Domain shows it), e.g. https://acme.my.salesforce.com.")
	}
	return "", false, badLoginURL(input, "it is not a Salesforce address", "Paste your My Domain address (for example https://acme.my.salesforce.com), or leave it empty to use the generic login page.")
}

// mapFamilyHost maps a host of one of the hostFamilies (ending in suffix)
// to its My Domain login host.
func mapFamilyHost(input, host, suffix string) (login string, sandbox bool, err error) {
	rest := strings.TrimSuffix(host, suffix) // "acme", "acme--uat.sandbox", "acme--c"
	kind := ""
	if i := strings.LastIndex(rest, "."); i >= 0 {
		kind = rest[i+1:]
		rest = rest[:i]
		if !hostKinds[kind] {
			return "", false, badLoginURL(input, "it is not a Salesforce login host", "Paste your My Domain address, e.g. https://acme.my.salesforce.com.")
		}
	}
	if rest == "" || strings.Contains(rest, ".") {
		return "", false, badLoginURL(input, "it is not a Salesforce login host", "Paste your My Domain address, e.g. https://acme.my.salesforce.com.")
	}
	if suffix == ".vf.force.com" {
		// mydomain--c, mydomain--uat--c, mydomain--namespace: drop the last "--part"
		i := strings.LastIndex(rest, "--")
		if i <= 0 {
			return "", false, badLoginURL(input, "it is a Visualforce address Connectors cannot read the My Domain from", "Paste your My Domain address, e.g. https://acme.my.salesforce.com.")
		}
		rest = rest[:i]
	}
	if kind == "sandbox" && !strings.Contains(rest, "--") && suffix != ".my.site.com" {
		return "", false, badLoginURL(input, "a sandbox address must look like mydomain--sandboxname", "Paste the address from the sandbox's browser tab.")
	}
	out := "https://" + rest
	if kind != "" {
		out += "." + kind
	}
	return out + ".my.salesforce.com", kind == "sandbox" || kind == "scratch", nil
}

// checkHostEnv refuses a sandbox host in a production connector and the reverse.
func checkHostEnv(login string, sandbox bool, env Environment) error {
	host := strings.TrimPrefix(login, "https://")
	switch {
	case env.IsProduction() && sandbox:
		return &Problem{
			Code:    CodeInvalidLoginURL,
			Message: fmt.Sprintf("%s is a sandbox address, but this is a production connector.", host),
			Fix:     "Use the sandbox or test connector for it, or paste the production org's address.",
		}
	case !env.IsProduction() && !sandbox:
		return &Problem{
			Code:    CodeInvalidLoginURL,
			Message: fmt.Sprintf("%s is a production address, but this is a %s connector.", host, env),
			Fix:     "Paste the sandbox's address (mydomain--sandboxname.sandbox.my.salesforce.com), or use the production connector for it.",
		}
	}
	return nil
}

// IsSalesforceLoginHost reports whether host (a host name, without port)
// is one Salesforce serves its login and token endpoints on (salesforce-api
// §1, §11): login.salesforce.com, test.salesforce.com, a My Domain
// (*.my.salesforce.com: production, *.sandbox, *.develop, *.scratch...) or
// an Experience Cloud site (*.my.site.com). Anything else, a custom domain
// or a simulated org on this computer, is not: the headless flows send
// their assertion or secret there only when the user allows the host
// (Service.AllowLoginHosts, --allow-login-host).
func IsSalesforceLoginHost(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	switch {
	case h == "login.salesforce.com", h == "test.salesforce.com":
		return true
	case strings.HasSuffix(h, ".my.salesforce.com"), strings.HasSuffix(h, ".my.site.com"):
		for _, l := range strings.Split(h, ".") {
			if !labelRE.MatchString(l) {
				return false
			}
		}
		return true
	}
	return false
}

func IsLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func badLoginURL(input, why, fix string) *Problem {
	shown := shownInput(input)
	if len(shown) > 80 && !safetext.MaySecret(shown) {
		shown = shown[:77] + "..."
	}
	return &Problem{
		Code:    CodeInvalidLoginURL,
		Message: fmt.Sprintf("%s cannot be used as a login address: %s.", safetext.Value(shown), why),
		Fix:     fix,
	}
}

var userinfoRE = lazyregexp.New(`^([A-Za-z][A-Za-z0-9+.-]*://)?[^/?#@]*@`)

// shownInput is the input as quoted in messages: without user name,
// password, query or fragment (a pasted URL may carry a code or token).
func shownInput(input string) string {
	s := strings.TrimSpace(input)
	s = userinfoRE.ReplaceAllString(s, "$1")
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	return s
}
