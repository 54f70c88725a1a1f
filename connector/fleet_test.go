package connector

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/connectors-app/connectors/connector/salesforce"
)

// TestFleetStateOf: the one rule of where an org stands against a bundle,
// from the org's record as JudgeResource reads it.
func TestFleetStateOf(t *testing.T) {
	const fp, other = "sha256:aaaa", "sha256:bbbb"
	const user = "005000000000001AAA"
	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	record := func(fp string, size int64, pub string) *salesforce.StaticResource {
		return &salesforce.StaticResource{
			ID: "081000000000001AAA", Name: "ConnectorsContent", BodyLength: size, LastModifiedByID: user, LastModifiedDate: at,
			Description: OrgRecord{Fingerprint: fp, Size: size, UserID: user, At: at, AppVersion: "1.2.3", PubID: pub, Publisher: "ci@example.com"}.Description(),
		}
	}
	edited := record(fp, 100, "0123456789abcdef")
	edited.LastModifiedByID, edited.LastModifiedByName = "005000000000777AAA", "Jane Doe"
	foreign := &salesforce.StaticResource{ID: "081000000000002AAA", Name: "ConnectorsContent", BodyLength: 100, Description: "uploaded by hand", LastModifiedByID: user}
	own := func(pub string) bool { return pub == "00000000000000aa" }

	for _, tc := range []struct {
		name string
		cur  *salesforce.StaticResource
		size int64
		want FleetState
	}{
		{"absent", nil, 100, FleetAbsent},
		{"published elsewhere, same bundle", record(fp, 100, "0123456789abcdef"), 100, FleetCurrent},
		{"this folder's own, same bundle", record(fp, 100, "00000000000000aa"), 100, FleetCurrent},
		{"another version published with Connectors", record(other, 90, "0123456789abcdef"), 100, FleetBehind},
		{"own, another version", record(other, 90, "00000000000000aa"), 100, FleetBehind},
		{"same fingerprint, another size", record(fp, 90, "0123456789abcdef"), 100, FleetBehind},
		{"edited in Setup by someone else", edited, 100, FleetChangedOutside},
		{"never published with Connectors", foreign, 100, FleetChangedOutside},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := JudgeResource(tc.cur, own, user, nil)
			assert.Equal(t, tc.want, FleetStateOf(v, fp, tc.size))
		})
	}
	assert.Equal(t, FleetAbsent, FleetStateOf(nil, fp, 100))
	assert.Equal(t, FleetBehind, FleetStateOf(&OrgVersion{Provenance: ProvConnectors}, "", 0), "an empty bundle fingerprint is never held")
}

// TestFleetStateOfProblem: a failure whose fix is a new authorization
// needs authorization; the rest is unreachable.
func TestFleetStateOfProblem(t *testing.T) {
	for code, want := range map[string]FleetState{
		CodeNotAuthorized: FleetNeedsAuthorization, CodeNeedsReauth: FleetNeedsAuthorization, CodeWrongOrg: FleetNeedsAuthorization,
		CodeJWTKey: FleetNeedsAuthorization, CodeConsumerNotApproved: FleetNeedsAuthorization,
		CodeTimeout: FleetUnreachable, CodeKeyring: FleetUnreachable, CodeAPIDisabled: FleetUnreachable, "network": FleetUnreachable,
	} {
		assert.Equal(t, want, FleetStateOfProblem(&Problem{Code: code}), code)
	}
	assert.Equal(t, FleetUnreachable, FleetStateOfProblem(nil))
}

// TestFleetSummary: only the states present, in their order.
func TestFleetSummary(t *testing.T) {
	var states []FleetState
	add := func(s FleetState, n int) {
		for range n {
			states = append(states, s)
		}
	}
	add(FleetUnreachable, 2)
	add(FleetCurrent, 41)
	add(FleetChangedOutside, 1)
	add(FleetBehind, 6)
	assert.Equal(t, "41 current, 6 behind, 1 changed outside, 2 unreachable", FleetSummary(states))
	assert.Equal(t, "1 absent, 1 needs authorization", FleetSummary([]FleetState{FleetNeedsAuthorization, FleetAbsent}))
	assert.Equal(t, "no connectors", FleetSummary(nil))
	assert.Equal(t, "changed outside", FleetChangedOutside.Label())
}

// TestFleetChanges: a watch reports state changes and a second edit
// outside Connectors; a state that stays, or a connector removed, is no
// news; only changes for the worse are alerts.
func TestFleetChanges(t *testing.T) {
	t1 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	prev := []FleetSeen{
		{Connector: "A/Production", State: FleetCurrent, Fingerprint: "sha256:1"},
		{Connector: "B/Sandbox", State: FleetCurrent, Fingerprint: "sha256:1"},
		{Connector: "C/Sandbox", State: FleetChangedOutside, Fingerprint: "sha256:0", Modified: t1},
		{Connector: "D/Sandbox", State: FleetChangedOutside, Fingerprint: "sha256:0", Modified: t1},
		{Connector: "E/Test", State: FleetUnreachable},
		{Connector: "F/Test", State: FleetCurrent},
		{Connector: "Gone/Test", State: FleetCurrent},
	}
	cur := []FleetSeen{
		{Connector: "A/Production", State: FleetCurrent, Fingerprint: "sha256:1"},
		{Connector: "B/Sandbox", State: FleetBehind, Fingerprint: "sha256:1"},
		{Connector: "C/Sandbox", State: FleetChangedOutside, Fingerprint: "sha256:0", Modified: t1},
		{Connector: "D/Sandbox", State: FleetChangedOutside, Fingerprint: "sha256:0", Modified: t1.Add(time.Hour)},
		{Connector: "E/Test", State: FleetCurrent},
		{Connector: "F/Test", State: FleetNeedsAuthorization},
		{Connector: "New/Test", State: FleetAbsent},
	}
	got := FleetChanges(prev, cur)
	assert.Equal(t, []FleetChange{
		{Connector: "B/Sandbox", From: FleetCurrent, To: FleetBehind, Alert: true},
		{Connector: "D/Sandbox", From: FleetChangedOutside, To: FleetChangedOutside, Alert: true},
		{Connector: "E/Test", From: FleetUnreachable, To: FleetCurrent},
		{Connector: "F/Test", From: FleetCurrent, To: FleetNeedsAuthorization, Alert: true},
		{Connector: "New/Test", To: FleetAbsent},
	}, got)
	assert.Equal(t, 3, FleetAlerts(got))
	assert.Equal(t, "B/Sandbox: current → behind", got[0].Sentence())
	assert.Equal(t, "D/Sandbox: changed outside again (changed since the last check)", got[1].Sentence())
	assert.Equal(t, "New/Test: new, absent", got[4].Sentence())
	assert.Empty(t, FleetChanges(cur, cur), "nothing changed: no news")
	assert.Equal(t, FleetSeen{Connector: "X", State: FleetBehind, Fingerprint: "sha256:9", Modified: t1},
		FleetSeenOf("X", FleetBehind, &OrgVersion{Fingerprint: "sha256:9", LastModifiedDate: t1}))
}
