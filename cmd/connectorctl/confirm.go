package main

// The confirmation a write to production needs (publish, restore).

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/connectors-app/connectors/connector"
)

// productionKeys are the keys of the targets known to be production targets.
func productionKeys(targets []connector.Connector) []connector.Key {
	var keys []connector.Key
	for _, c := range targets {
		if c.IsProductionTarget() {
			keys = append(keys, c.Key())
		}
	}
	return keys
}

// confirmProduction returns whether production targets may be written: yes
// (--yes or a dry run), or every production target confirmed on the
// terminal by typing its org name or "yes".
func confirmProduction(ios *ioStreams, targets []connector.Connector, yes bool, verb string) (bool, error) {
	var prod []connector.Connector
	for _, c := range targets {
		if c.IsProductionTarget() {
			prod = append(prod, c)
		}
	}
	if len(prod) == 0 || yes {
		return yes, nil
	}
	if !ios.InTTY {
		return false, &connector.Problem{
			Code:    connector.CodeProductionNotConfirmed,
			Message: fmt.Sprintf("%s is a production connector and there is no terminal to confirm the %s on.", prod[0].Key(), verb),
			Fix:     fmt.Sprintf("Add --yes to %s to production without a prompt.", verb),
		}
	}
	in := bufio.NewReader(ios.In)
	for _, c := range prod {
		org := "an org not authorized yet"
		name := ""
		if c.Org != nil {
			name = orgLabel(c.Org)
			org = fmt.Sprintf("the PRODUCTION org %q (%s, %s)", name, c.Org.OrgID, c.Org.Username)
		}
		fmt.Fprintf(ios.ErrOut, "%s %s writes to %s.\n", symWarn, c.Key(), org)
		if name != "" {
			fmt.Fprintf(ios.ErrOut, "Type the org name (%s) or \"yes\" to %s there: ", name, verb)
		} else {
			fmt.Fprintf(ios.ErrOut, "Type \"yes\" to %s there: ", verb)
		}
		line, err := in.ReadString('\n')
		answer := strings.TrimSpace(line)
		if !connector.ConfirmsProduction(answer, "yes", name) {
			if err != nil && !errors.Is(err, io.EOF) {
				return false, fmt.Errorf("read confirmation: %w", err)
			}
			return false, &connector.Problem{
				Code:    connector.CodeCanceled,
				Message: fmt.Sprintf("Nothing was written: the %s to %s was not confirmed.", verb, c.Key()),
				Fix:     "Run the command again and type the org name or \"yes\", or add --yes.",
			}
		}
	}
	return true, nil
}

// asksProductionConfirmation reports whether confirmProduction would ask on
// the terminal (or refuse for want of one): a production target, and no
// --yes.
func asksProductionConfirmation(targets []connector.Connector, yes bool) bool {
	return !yes && len(productionKeys(targets)) > 0
}
