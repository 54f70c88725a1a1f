package oauth

import (
	"errors"
	"net/url"
	"strings"
)

// PageText is the wording of the pages the browser shows after Salesforce
// sends it back, in the language of the app that started the flow. Zero
// fields take the English default (DefaultPageText). Texts may quote
// {Org}, replaced by the org the browser signed in to ("acme.my.salesforce.com,
// org 00D…"), and {Detail}, replaced by the error's escaped details.
type PageText struct {
	Lang string // HTML lang attribute, e.g. "en", "fr"

	// The success page says "almost done": the app still checks the org
	// (environment, permissions) and may refuse it, so it never claims more.
	AlmostTitle string
	AlmostLine  string // quotes {Org}
	ReturnLine  string

	ErrorTitle string
	ErrorHint  string
	Denied     string
	Refused    string // quotes {Detail}
	Exchange   string // quotes {Detail}
	Timeout    string
	Canceled   string
	Unfinished string
	Other      string // quotes {Detail}

	MismatchTitle string
	MismatchLines []string
	NoCodeTitle   string
	NoCodeLines   []string
}

// DefaultPageText is the English wording.
func DefaultPageText() PageText {
	return PageText{
		Lang:        "en",
		AlmostTitle: "Almost done: return to Connectors",
		AlmostLine:  "You signed in to {Org}. Connectors now checks that this org fits the connector and that you may publish to it.",
		ReturnLine:  "Return to the app to see the result; you can close this tab.",
		ErrorTitle:  "Connectors could not be authorized",
		ErrorHint:   "The problem is most likely not in your browser: return to the app for details and what to do next.",
		Denied:      "You clicked Deny, so Connectors was not given access to the org. Start the authorization again in the app and click Allow.",
		Refused:     "Salesforce refused the authorization: {Detail}.",
		Exchange:    "Salesforce accepted the sign-in but refused to issue tokens to Connectors: {Detail}.",
		Timeout:     "The login took too long and Connectors stopped waiting.",
		Canceled:    "The login was canceled in the app.",
		Unfinished:  "The login did not finish.",
		Other:       "Connectors could not finish the login: {Detail}.",

		MismatchTitle: "This sign-in does not belong to Connectors' current login",
		MismatchLines: []string{
			"The browser came back from Salesforce with a link from another login attempt, so Connectors ignored it.",
			"Go back to the app and start the authorization again; use the browser tab it opens.",
		},
		NoCodeTitle: "The sign-in link has no authorization code",
		NoCodeLines: []string{
			"Salesforce sent the browser back without a code, so Connectors cannot finish the login.",
			"Go back to the app and start the authorization again.",
		},
	}
}

// withDefaults fills the zero fields from the English wording.
func (p PageText) withDefaults() PageText {
	d := DefaultPageText()
	fill := func(s *string, def string) {
		if strings.TrimSpace(*s) == "" {
			*s = def
		}
	}
	fill(&p.Lang, d.Lang)
	fill(&p.AlmostTitle, d.AlmostTitle)
	fill(&p.AlmostLine, d.AlmostLine)
	fill(&p.ReturnLine, d.ReturnLine)
	fill(&p.ErrorTitle, d.ErrorTitle)
	fill(&p.ErrorHint, d.ErrorHint)
	fill(&p.Denied, d.Denied)
	fill(&p.Refused, d.Refused)
	fill(&p.Exchange, d.Exchange)
	fill(&p.Timeout, d.Timeout)
	fill(&p.Canceled, d.Canceled)
	fill(&p.Unfinished, d.Unfinished)
	fill(&p.Other, d.Other)
	fill(&p.MismatchTitle, d.MismatchTitle)
	fill(&p.NoCodeTitle, d.NoCodeTitle)
	if len(p.MismatchLines) == 0 {
		p.MismatchLines = d.MismatchLines
	}
	if len(p.NoCodeLines) == 0 {
		p.NoCodeLines = d.NoCodeLines
	}
	return p
}

// message is what the error page says about err, in plain words.
func (p PageText) message(err error) string {
	var ae *AuthError
	var ee *ExchangeError
	switch {
	case err == nil:
		return p.Unfinished
	case errors.As(err, &ae) && ae.Code == "access_denied":
		return p.Denied
	case errors.As(err, &ae):
		return strings.ReplaceAll(p.Refused, "{Detail}", strings.TrimSpace(ae.Description+" ("+ae.Code+")"))
	case errors.As(err, &ee):
		return strings.ReplaceAll(p.Exchange, "{Detail}", ee.Error())
	case errors.Is(err, ErrTimeout):
		return p.Timeout
	case errors.Is(err, ErrCanceled):
		return p.Canceled
	}
	return strings.ReplaceAll(p.Other, "{Detail}", err.Error())
}

// orgOf names the org a token result belongs to: its My Domain host and
// the org ID from the identity URL ("acme.my.salesforce.com, org 00D…").
func orgOf(res *Result) string {
	if res == nil {
		return ""
	}
	host := ""
	if u, err := url.Parse(res.InstanceURL); err == nil {
		host = u.Hostname()
	}
	id := ""
	if u, err := url.Parse(res.IDURL); err == nil {
		parts := strings.Split(strings.Trim(u.Path, "/"), "/")
		if len(parts) >= 2 && parts[0] == "id" {
			id = parts[1]
		}
	}
	switch {
	case host != "" && id != "":
		return host + " (" + id + ")"
	case host != "":
		return host
	}
	return id
}
