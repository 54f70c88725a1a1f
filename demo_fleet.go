package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing/fstest"
	"time"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/oauth"
	"github.com/connectors-app/connectors/connector/service"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/packaging"
)

// demoFleetClient is the External Client App the demo fleet's orgs trust
// for the JWT bearer flow (a CI runner's connectors, as a consultant has).
const demoFleetClient = "DemoFleetApp"

// fleetDemoStates is the state each demo fleet org is put in, by index:
// most current, some behind, one edited in Setup by someone else, one
// absent, one needing a new authorization, one unreachable, one holding a
// same-name resource never published with Connectors.
var fleetDemoStates = []connector.FleetState{
	connector.FleetCurrent, connector.FleetBehind, connector.FleetCurrent, connector.FleetChangedOutside,
	connector.FleetCurrent, connector.FleetAbsent, connector.FleetCurrent, connector.FleetNeedsAuthorization,
	connector.FleetBehind, connector.FleetUnreachable, connector.FleetCurrent, "foreign",
}

// fleet adds n client connectors, each signed in by JWT to its own
// simulated org, in the states of fleetDemoStates, every fifth a
// production org: what the Fleet tab shows a consultant.
func (d *demoWorld) fleet(n int) error {
	for _, o := range d.fleetOrgs {
		_ = o.Close()
	}
	d.fleetOrgs = nil
	keyPEM, certPEM, err := oauth.NewKeyPair("demo-fleet", 24*time.Hour)
	if err != nil {
		return err
	}
	d.mu.Lock()
	d.jwtKey = keyPEM
	d.mu.Unlock()
	older, err := packaging.FromFS(fstest.MapFS{"index.html": {Data: []byte("<html><body>Last month's guidance</body></html>")}}, "older")
	if err != nil {
		return err
	}
	clients := []string{"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries", "Wayne Enterprises",
		"Wonka Industries", "Cyberdyne Systems", "Soylent", "Tyrell Corporation", "Massive Dynamic", "Aperture Science",
		"Black Mesa", "Oscorp", "Vandelay Industries", "Gringotts", "Monsters Inc", "Duff Brewing", "Nakatomi"}
	f := &connector.ExportFile{Version: connector.ExportVersion}
	for i := range n {
		name := clients[i%len(clients)]
		if i >= len(clients) {
			name = fmt.Sprintf("%s %d", name, i/len(clients)+1)
		}
		e, err := d.fleetOrg(i, name, certPEM, older)
		if err != nil {
			return err
		}
		f.Connectors = append(f.Connectors, e)
	}
	return d.svc.ImportConnectors(f)
}

// newDemoWorld is the demo's world over its org and service.
func newDemoWorld(org *sfsim.Org, svc *service.Service, ports []int, sample *packaging.Bundle) *demoWorld {
	d := &demoWorld{org: org, svc: svc, ports: ports, sample: sample}
	// the fleet scenarios' orgs are on this computer and sign in by JWT
	svc.Getenv = d.getenv
	svc.AllowLoginHosts = append(svc.AllowLoginHosts, "localhost", "127.0.0.1")
	return d
}

// getenv is the demo service's environment: the demo fleet's key (in
// memory only) where a CI runner's would be, $CONNECTORS_JWT_KEY.
func (d *demoWorld) getenv(name string) string {
	if name == connector.JWTKeyEnv {
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.jwtKey != nil {
			return string(d.jwtKey)
		}
	}
	return os.Getenv(name)
}

// fleetOrg starts the i-th fleet org, puts it in its state and returns its
// connector as a connectors file records it.
func (d *demoWorld) fleetOrg(i int, name string, certPEM []byte, older *packaging.Bundle) (connector.ExportConnector, error) {
	prod := i%5 == 0
	domain := strings.ToLower(strings.ReplaceAll(name, " ", ""))
	orgName, env, kind := name+" UAT", connector.Sandbox.Title(), "sandbox"
	if prod {
		orgName, env, kind = name+" Corporation", connector.Production.Title(), "production"
	}
	user := "ci@" + domain + ".example"
	org, err := sfsim.Start(sfsim.Options{Sandbox: !prod, OrgName: orgName, Username: user, UserDisplayName: "CI " + name})
	if err != nil {
		return connector.ExportConnector{}, err
	}
	d.fleetOrgs = append(d.fleetOrgs, org)
	state := fleetDemoStates[i%len(fleetDemoStates)]
	if state != connector.FleetNeedsAuthorization {
		if err := org.RegisterJWTClient(demoFleetClient, certPEM); err != nil {
			return connector.ExportConnector{}, err
		}
	}
	d.fleetResource(org, state, i, older)
	if state == connector.FleetUnreachable {
		org.FailNextMatching("", "", 1<<30, 0)
	}
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	return connector.ExportConnector{
		ID: hex.EncodeToString(id), System: name, Environment: env, OrgKind: kind,
		LoginURL: org.LoginURL(), ClientID: demoFleetClient, AuthMethod: "jwt", Username: user,
		ResourceName: connector.DefaultResourceName, OrgID: org.OrgID(), OrgName: orgName,
	}, nil
}

// fleetResource leaves in org what its state needs: the sample (current),
// an older version (behind), a version edited in Setup by someone else, or
// a resource uploaded by hand.
func (d *demoWorld) fleetResource(org *sfsim.Org, state connector.FleetState, i int, older *packaging.Bundle) {
	at := time.Now().Add(-time.Duration(i+1) * 7 * time.Hour)
	b := d.sample
	if state != connector.FleetCurrent {
		b = older
	}
	res := sfsim.Resource{
		Name: connector.DefaultResourceName, ContentType: "application/zip", CacheControl: "Private", Body: b.Bytes(),
		Description: connector.OrgRecord{Fingerprint: b.Fingerprint(), Size: b.Size(), UserID: org.UserID(), At: at,
			AppVersion: "1.4.0", PubID: fmt.Sprintf("%016x", i+1), Publisher: org.Username()}.Description(),
		LastModifiedDate: at, LastModifiedByID: org.UserID(),
	}
	switch state {
	case connector.FleetAbsent, connector.FleetNeedsAuthorization, connector.FleetUnreachable:
		return
	case connector.FleetChangedOutside:
		res.LastModifiedDate = at.Add(3 * time.Hour)
		res.LastModifiedByID, res.LastModifiedByName = "005000000000777AAA", "Jane Doe"
	case "foreign":
		res.Description = "uploaded by hand"
		res.LastModifiedByID, res.LastModifiedByName = "005000000000888AAA", "Sam Rivera"
	}
	org.PutResource(res)
}
