package connector

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
)

// connectorLockPath is the lock file of purpose for the connector in the
// config folder dir: named by its ID (validated: it makes a path).
func ConnectorLockPath(dir string, conn Connector, purpose string) (string, error) {
	if !ValidConnectorID(conn.ID) {
		return "", ConfigIOProblem(dir, fmt.Errorf("connector %s has no valid ID: the connector list could not be upgraded", conn.Key()))
	}
	return filepath.Join(dir, "locks", "connector-"+conn.ID+"."+FileSafe(purpose)+".lock"), nil
}

// busyProblem says a purpose ("publish", "refresh") of k runs elsewhere.
func BusyProblem(k Key, purpose string) *Problem {
	what := "A " + purpose + " of " + k.String()
	if purpose == "publish" {
		what = "A publish to " + k.String()
	}
	return &Problem{
		Code:    CodeBusy,
		Message: what + " is already running (in this window or in connectorctl).",
		Fix:     "Wait for it to finish, then try again.",
	}
}

// lockName is a file-name-safe, case-insensitive name for the key.
func LockName(k Key) string {
	sys := strings.ToLower(strings.TrimSpace(k.System))
	sum := sha256.Sum256([]byte(sys))
	return FileSafe(sys) + "-" + hex.EncodeToString(sum[:4]) + "." + string(k.Environment)
}

// fileSafe keeps ASCII letters, digits, '-' and '_' (anything else becomes
// '_') and at most 40 bytes, for file names built from user input. It is
// not injective: add a hash where distinct inputs must stay apart (lockName).
func FileSafe(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() > 40 {
		return b.String()[:40]
	}
	return b.String()
}
