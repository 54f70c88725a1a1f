package ui

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"unicode"

	"github.com/connectors-app/connectors/connector/service"

	"fyne.io/fyne/v2/lang"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/tokenstore"
	"github.com/connectors-app/connectors/packaging"
)

//go:embed translation
var translations embed.FS

// LoadTranslations registers the embedded English and French strings and
// picks the language from the OS locale (LC_ALL, LC_MESSAGES, LANG,
// LANGUAGE), falling back to English. main calls it once before building the
// window; calling it again re-reads the locale.
func LoadTranslations() error {
	if err := lang.AddTranslationsFS(translations, "translation"); err != nil {
		return fmt.Errorf("load translations: %w", err)
	}
	return nil
}

// englishKeys are the keys en.json holds: the window's English wording of
// a catalogue entry, where it differs from the connector's.
var englishKeys = func() map[string]bool {
	keys := map[string]bool{}
	data, err := translations.ReadFile("translation/en.json")
	if err != nil {
		return keys
	}
	var m map[string]string
	if json.Unmarshal(data, &m) == nil {
		for k := range m {
			keys[k] = true
		}
	}
	return keys
}()

// catalogue is the catalogue entry key in the app's language, with args;
// in English without a window wording it is fallback, the connector's
// own English (asking Fyne for a missing key logs a translation failure).
func catalogue(key, fallback string, args map[string]any) string {
	if !englishKeys[key] && lang.X("format.lang", "en") == "en" {
		return fallback
	}
	if args == nil {
		return lang.X(key, fallback)
	}
	return lang.X(key, fallback, args)
}

// stateText is the short label of a connector state: the domain's label
// (connector.State.Label), translated by state ("format.state.<state>"),
// or "Checking…" while there is none.
func stateText(s connector.State) string {
	if !slices.Contains(connector.States(), s) {
		return lang.L("Checking…")
	}
	return catalogue("format.state."+string(s), s.Label(), nil)
}

// stateTone is the colour of a connector state: green connected, amber
// for whatever needs attention. Red is kept for production and destructive
// actions, so an unreachable org never looks like a production one.
func stateTone(s connector.State) tone {
	switch s {
	case connector.StateConnected:
		return toneGood
	case connector.StateNeedsReauth, connector.StateSandboxRefreshed,
		connector.StatePermissionMissing, connector.StateEnvMismatch,
		connector.StateUnreachable, connector.StateKeyringError:
		return toneWarn
	}
	return toneNeutral
}

// envText is the display name of an environment.
func envText(e connector.Environment) string {
	switch e {
	case connector.Production:
		return lang.L("Production")
	case connector.Sandbox:
		return lang.L("Sandbox")
	case connector.Test:
		return lang.L("Test")
	}
	return e.Title()
}

// envTone is the colour of an environment: Production (and a named
// environment of a production org) cannot be missed.
func envTone(e connector.Environment) tone {
	switch {
	case e.IsProduction():
		return toneDanger
	case e == connector.Sandbox || e.IsNamed():
		return toneCalm
	}
	return toneQuiet
}

// keyText is "System · Environment" with the environment translated.
func keyText(k connector.Key) string {
	return k.System + " · " + envText(k.Environment)
}

// problemText maps any error the window shows to one plain sentence saying
// what happened and one naming the fix, translated by code
// ("problem.<code>", "problem.<code>.fix") with the English text of the
// error as the fallback. It is the one place errors become words.
func problemText(err error) (msg, fix string) {
	if err == nil {
		return "", ""
	}
	var ve *packaging.ValidationError
	if errors.As(err, &ve) {
		reason, fix := ve.Reason, ve.Fix
		if ve.ID != "" { // the catalogue's words, with the details in them
			args := localArgs(ve.Args)
			reason = catalogue("bundle."+ve.ID, ve.Reason, args)
			fix = catalogue("bundle."+ve.ID+".fix", ve.Fix, args)
		}
		if ve.Entry != "" {
			msg = lang.L("The bundle can't be used: {{.Entry}}: {{.Reason}}.", map[string]any{"Entry": ve.Entry, "Reason": reason})
		} else {
			msg = lang.L("The bundle can't be used: {{.Reason}}.", map[string]any{"Reason": reason})
		}
		return msg, fix
	}
	if errors.Is(err, fs.ErrNotExist) {
		return lang.L("The file or folder can't be found."), lang.L("Choose it again; it may have been moved or deleted.")
	}
	if errors.Is(err, fs.ErrPermission) {
		return lang.L("The file or folder can't be read: permission denied."), lang.L("Choose a file you may read, or change its permissions.")
	}
	var ue *tokenstore.UnavailableError
	if errors.As(err, &ue) {
		reason, fix := ue.Reason, ue.Fix
		if ue.ID != "" {
			reason, fix = catalogue("problem."+ue.ID, ue.Reason, nil), catalogue("problem."+ue.ID+".fix", ue.Fix, nil)
		}
		return lang.L("The keyring can't be used: {{.Reason}}", map[string]any{"Reason": reason}), fix
	}
	p := connector.AsProblem(err)
	if p.Code == "unexpected" || p.Code == "" {
		return p.Message, p.Fix
	}
	id, args := p.MessageID(), localArgs(p.Args)
	english, englishFix, args := readableNames(p.Message, p.Fix, args)
	msg = catalogue("problem."+id, english, args)
	fix = englishFix
	if fix != "" {
		fix = catalogue("problem."+id+".fix", englishFix, args)
	}
	return msg, fix
}

// localValidator is check (a domain rule for a form field) with its
// message in the app's language, as the form shows it under the field.
func localValidator(check func(string) error) func(string) error {
	return func(s string) error {
		if err := check(s); err != nil {
			return errors.New(problemLine(err))
		}
		return nil
	}
}

// problemLine joins problemText into one line.
func problemLine(err error) string {
	msg, fix := problemText(err)
	if fix == "" {
		return msg
	}
	return msg + " " + fix
}

// statusText is the translated message of a status check.
func statusText(st connector.Status) (msg, fix string) {
	if st.State == "" {
		return "", ""
	}
	msg, fix = st.Message, strings.ReplaceAll(st.Fix, connector.ProxyVarsHint, "") // the variables are for the command line
	if st.State != connector.StateConnected {
		msg = catalogue("problem."+string(st.State), st.Message, nil)
		if fix != "" {
			fix = catalogue("problem."+string(st.State)+".fix", fix, nil)
		}
	}
	return msg, fix
}

// permissionName is the translated name of a permission.
func permissionName(name string) string {
	switch name {
	case "API Enabled":
		return lang.L("API Enabled")
	case "Customize Application":
		return lang.L("Customize Application")
	}
	return name
}

// keyringReason is the plain reason the keyring failed, as a clause.
func keyringReason(err error) string {
	if err == nil {
		return ""
	}
	var ue *tokenstore.UnavailableError
	if errors.As(err, &ue) {
		if ue.ID == "" {
			return lowerFirst(ue.Reason)
		}
		return lowerFirst(catalogue("problem."+ue.ID, ue.Reason, nil))
	}
	msg, _ := problemText(connector.KeyringProblem(err))
	return lowerFirst(msg)
}

// lowerFirst lower-cases the first letter unless the word is an acronym.
func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) > 1 && unicode.IsUpper(r[0]) && !unicode.IsUpper(r[1]) {
		r[0] = unicode.ToLower(r[0])
	}
	return string(r)
}

// browserPages is the wording of the browser's result pages in the app's
// language, so the page the browser lands on speaks like the window.
func browserPages() service.BrowserPages {
	return service.BrowserPages{
		Lang:        lang.X("format.lang", "en"),
		AlmostTitle: lang.L("Almost done: return to Connectors"),
		AlmostLine:  lang.L("You signed in to {Org}. Connectors now checks that this org fits the connector and that you may publish to it."),
		ReturnLine:  lang.L("Return to the app to see the result; you can close this tab."),
		ErrorTitle:  lang.L("Connectors could not be authorized"),
		ErrorHint:   lang.L("The problem is most likely not in your browser: return to the app for details and what to do next."),
		Denied:      lang.L("You clicked Deny, so Connectors was not given access to the org. Start the authorization again in the app and click Allow."),
		Refused:     lang.L("Salesforce refused the authorization: {Detail}."),
		Exchange:    lang.L("Salesforce accepted the sign-in but refused to issue tokens to Connectors: {Detail}."),
		Timeout:     lang.L("The login took too long and Connectors stopped waiting."),
		Canceled:    lang.L("The login was canceled in the app."),
		Unfinished:  lang.L("The login did not finish."),
		Other:       lang.L("Connectors could not finish the login: {Detail}."),

		MismatchTitle: lang.L("This sign-in does not belong to Connectors' current login"),
		MismatchLines: []string{
			lang.L("The browser came back from Salesforce with a link from another login attempt, so Connectors ignored it."),
			lang.L("Go back to the app and start the authorization again; use the browser tab it opens."),
		},
		NoCodeTitle: lang.L("The sign-in link has no authorization code"),
		NoCodeLines: []string{
			lang.L("Salesforce sent the browser back without a code, so Connectors cannot finish the login."),
			lang.L("Go back to the app and start the authorization again."),
		},
	}
}
