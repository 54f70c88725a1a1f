package connector

import (
	"fmt"
	"strings"
	"time"

	"github.com/connectors-app/connectors/connector/internal/filelock"
)

// Rename gives the connector k a new system name, keeping everything else:
// its ID (so its tokens and backups stay its own), environment, org and
// history. There is still one connector per system × environment: renaming
// onto an existing one is refused. A change of case only ("acme" → "Acme")
// is allowed. It returns the renamed connector.
//
// A publish in progress finishes under the name it started with, so the
// rename is refused (CodeBusy) while one holds the connector's publish
// lock; publishes started after it lock the same ID under the new name.
func (r *Registry) Rename(k Key, newSystem string) (Connector, error) {
	newSystem = strings.TrimSpace(newSystem)
	to := Key{System: newSystem, Environment: k.Environment}
	if err := ValidateKey(to); err != nil {
		return Connector{}, err
	}
	conn, err := r.Get(k)
	if err != nil {
		return Connector{}, err
	}
	if conn.ID != "" { // a format-1 connector is refused below
		path, err := ConnectorLockPath(r.dir, conn, "publish")
		if err != nil {
			return Connector{}, err
		}
		unlock, ok, err := filelock.TryLock(path)
		if err != nil {
			return Connector{}, ConfigIOProblem(r.dir, err)
		}
		if !ok {
			return Connector{}, BusyProblem(conn.Key(), "publish")
		}
		defer unlock()
	}
	var out Connector
	err = r.Transact(func(doc *RegistryDoc) (bool, error) {
		i := FindConnector(doc.Connectors, k)
		if i < 0 || doc.Connectors[i].ID != conn.ID { // removed (and maybe added again) meanwhile
			return false, notFound(k)
		}
		if j := FindConnector(doc.Connectors, to); j >= 0 && j != i {
			return false, &Problem{
				Code:    CodeConnectorExists,
				ID:      "connector_exists",
				Message: fmt.Sprintf("There is already a connector %s: there is one connector per system and environment.", doc.Connectors[j].Key()),
				Fix:     "Choose another name, or remove the other connector first.",
				Args:    map[string]any{"Connector": doc.Connectors[j].Key().String()},
			}
		}
		c := &doc.Connectors[i]
		if c.LegacyTokens { // its tokens are still filed under its old name
			return false, &Problem{
				Code:    CodeConnectorExists,
				ID:      "rename_legacy",
				Message: fmt.Sprintf("%s was set up by an older version and its sign-in is still filed under its name.", c.Key()),
				Fix:     "Check its status (or publish) once so it moves to its ID, then rename it.",
			}
		}
		if c.System == newSystem {
			out = *c
			return false, nil
		}
		c.System = newSystem
		c.UpdatedAt = r.now().UTC().Truncate(time.Millisecond)
		out = *c
		return true, nil
	})
	return out, err
}
