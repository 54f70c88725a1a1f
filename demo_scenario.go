package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing/fstest"
	"time"

	"github.com/connectors-app/connectors/connector/service"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/packaging"
)

// demoScenarios are the states demo mode can show, for support staff and
// trainers: --demo-scenario NAME at start, or the banner's menu.
var demoScenarios = []string{"normal", "connected", "many", "permission-missing", "api-disabled", "needs-reauth", "production", "unreachable", "teammate", "changed-outside", "fleet", "fleet-200"}

// demoWorld is the demo's simulated org and service, which a scenario sets up.
type demoWorld struct {
	org    *sfsim.Org
	svc    *service.Service
	ports  []int
	sample *packaging.Bundle
	// fleetOrgs are the orgs of the fleet scenarios, each its own.
	fleetOrgs []*sfsim.Org
	mu        sync.Mutex
	jwtKey    []byte // the fleet's JWT key (PEM), in memory only
}

// scenario puts the demo into the named state and returns the connector
// that shows it. Every scenario but "normal" signs the connector in first
// (as the demo user would), then turns the org's knob:
//
//	connected           signed in, everything works
//	many                signed in, among 19 more client connectors (a consultant's list)
//	permission-missing  the user lacks Customize Application
//	api-disabled        the user's API access is off
//	needs-reauth        the org revoked the connector's sign-in
//	production          a production org, in a Demo/Production connector
//	unreachable         the org drops every API connection
//	teammate            the org holds a version a teammate published
//	changed-outside     published, then the resource edited in Setup by
//	                    someone else (the drift a publish must not overwrite silently)
//	fleet, fleet-200    signed in, among 20 (200) client connectors, each
//	                    its own org signed in by JWT, in every fleet state
func (d *demoWorld) scenario(ctx context.Context, name string) (connector.Key, error) {
	if !slices.Contains(demoScenarios, name) {
		return connector.Key{}, fmt.Errorf("unknown demo scenario %q: use one of %s", name, strings.Join(demoScenarios, ", "))
	}
	o := d.org
	o.ClearFaults()
	o.SetAPIEnabled(true)
	o.SetCustomizeApplication(true)
	o.SetSandbox(name != "production")
	key := connector.Key{System: "Demo", Environment: connector.Sandbox}
	if name == "production" {
		key.Environment = connector.Production
	}
	if name == "normal" {
		_, _, err := d.svc.AddConnector(key, connector.ConnectorSettings{LoginURL: o.LoginURL(), CallbackPorts: d.ports})
		return key, err
	}
	if err := d.signIn(ctx, key); err != nil {
		return key, err
	}
	switch name {
	case "many":
		return key, d.addClients()
	case "permission-missing":
		o.SetCustomizeApplication(false)
	case "api-disabled":
		o.SetAPIEnabled(false)
	case "needs-reauth":
		o.RevokeRefreshTokens()
	case "unreachable":
		o.FailNextMatching("", "", 1<<30, 0)
	case "teammate":
		return key, d.teammatePublish()
	case "changed-outside":
		return key, d.changedOutside(ctx, key)
	case "fleet":
		return key, d.fleet(20)
	case "fleet-200":
		return key, d.fleet(200)
	}
	return key, nil
}

// teammatePublish leaves in the org what a teammate's publish from another
// computer leaves: a version with its Connectors record (same Salesforce
// user, another publish), so the window can show how it is told apart from
// a change outside Connectors.
func (d *demoWorld) teammatePublish() error {
	b, err := packaging.FromFS(fstest.MapFS{
		"index.html":  {Data: []byte("<html><body>Guidance by a teammate</body></html>")},
		"js/guide.js": {Data: []byte("console.log('teammate');\n")},
	}, "teammate")
	if err != nil {
		return err
	}
	at := time.Now().Add(-20 * time.Minute)
	d.org.PutResource(sfsim.Resource{
		Name: connector.DefaultResourceName, ContentType: "application/zip", CacheControl: "Private", Body: b.Bytes(),
		Description: connector.OrgRecord{Fingerprint: b.Fingerprint(), Size: b.Size(), UserID: d.org.UserID(), At: at,
			AppVersion: "1.4.0", PubID: "7e3a9c0d5b1f2468", Publisher: "grace@demo.example"}.Description(),
		LastModifiedDate: at, LastModifiedByID: d.org.UserID(), LastModifiedByName: "Grace Hopper",
	})
	return nil
}

// changedOutside publishes the sample content, then edits the resource in
// the org as another user would in Setup: the drift Connectors shows
// (Changed outside) and asks about before publishing over it.
func (d *demoWorld) changedOutside(ctx context.Context, key connector.Key) error {
	if res := d.svc.Publish(ctx, key, d.sample, service.PublishOptions{}); res.Problem != nil {
		return res.Problem
	}
	cur := d.org.Resource(connector.DefaultResourceName)
	if cur == nil {
		return fmt.Errorf("the demo publish left no %s", connector.DefaultResourceName)
	}
	edited := *cur
	edited.Body = []byte("edited in Setup")
	edited.Description = "edited in Setup"
	edited.LastModifiedDate = time.Now().Add(time.Second)
	edited.LastModifiedByID, edited.LastModifiedByName = "005000000000777AAA", "Jane Doe"
	d.org.PutResource(edited)
	return nil
}

// addClients adds 19 client connectors, a production org every fourth, as
// a consultant's list looks: from a connectors file, as a team shares its
// connectors, each with the org it records (they are not signed in: their
// orgs are made up).
func (d *demoWorld) addClients() error {
	clients := []string{"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries", "Wayne Enterprises",
		"Wonka Industries", "Cyberdyne Systems", "Soylent", "Tyrell Corporation", "Massive Dynamic", "Aperture Science",
		"Black Mesa", "Oscorp", "Vandelay Industries", "Gringotts", "Monsters Inc", "Duff Brewing"}
	f := &connector.ExportFile{Version: connector.ExportVersion}
	for i, name := range clients {
		domain := strings.ToLower(strings.ReplaceAll(name, " ", ""))
		e := connector.ExportConnector{
			System: name, Environment: connector.Sandbox.Title(), OrgKind: "sandbox",
			LoginURL: "https://" + domain + "--uat.sandbox.my.salesforce.com",
			OrgID:    fmt.Sprintf("00D5g00000%03dAAA", i), OrgName: name + " UAT sandbox", Username: "admin@" + domain + ".example",
		}
		if i%4 == 0 {
			e.Environment, e.OrgKind = connector.Production.Title(), "production"
			e.LoginURL, e.OrgName = "https://"+domain+".my.salesforce.com", name+" Corporation"
		}
		f.Connectors = append(f.Connectors, e)
	}
	return d.svc.ImportConnectors(f)
}

// signIn authorizes key on the demo org as the demo user, without a browser.
func (d *demoWorld) signIn(ctx context.Context, key connector.Key) error {
	flow, err := d.svc.StartAuthorize(ctx, key, service.AuthorizeOptions{LoginURL: d.org.LoginURL(), Ports: d.ports, NoBrowser: true})
	if err != nil {
		return err
	}
	redirect, err := d.org.PlayUser(ctx, flow.URL(), true)
	if err != nil {
		flow.Cancel()
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, redirect, nil)
	if err != nil {
		flow.Cancel()
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		flow.Cancel()
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	_, err = flow.Wait(ctx)
	return err
}
