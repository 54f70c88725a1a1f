package ui

import (
	"strings"

	"github.com/connectors-app/connectors/connector"
)

// readableNames puts the window's form of a connector's name ("Black Mesa ·
// Sandbox", keyText) in place of the domain's ("Black Mesa/Sandbox",
// connector.Key.String) in a problem's words and arguments: one form in the
// window, whatever the message came from.
func readableNames(msg, fix string, args map[string]any) (string, string, map[string]any) {
	for _, name := range []string{"Connector", "Other"} {
		s, ok := args[name].(string)
		if !ok {
			continue
		}
		k, err := connector.ParseKey(s)
		if err != nil || k.String() != s {
			continue
		}
		args[name] = keyText(k)
		msg = strings.ReplaceAll(msg, s, keyText(k))
		fix = strings.ReplaceAll(fix, s, keyText(k))
	}
	return msg, fix, args
}
