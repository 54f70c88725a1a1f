package connector

// The org is the record: every publish writes into the resource's
// Description what another computer needs to judge the resource (OrgRecord,
// fingerprint.go), and every judgement reads it from the org. Local files
// are a cache: they tell which writes were this folder's own, never
// whether a resource is up to date or changed outside Connectors.

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/connectors-app/connectors/connector/salesforce"
	"github.com/connectors-app/connectors/internal/lazyregexp"
)

// Provenance says who left the resource the org holds now.
type Provenance string

// Provenances, told apart everywhere (status, list, publish, the window).
const (
	// ProvAbsent: no such resource in the org.
	ProvAbsent Provenance = "absent"
	// ProvOwn: this folder's own write, including one whose answer was
	// lost or whose process was killed (recognised by its publish Id).
	ProvOwn Provenance = "own"
	// ProvConnectors: published with Connectors elsewhere (another
	// computer, a teammate, a CI run): no --force needed to publish over it.
	ProvConnectors Provenance = "connectors"
	// ProvOutside: changed outside Connectors (Setup, another tool,
	// another user; or a body that is not the one its record names).
	ProvOutside Provenance = "changed_outside"
	// ProvForeign: a resource this app never published (no record).
	ProvForeign Provenance = "foreign"
)

// OrgVersion is the resource as the org holds it, judged from the org's
// record alone (plus which publish Ids were this folder's own).
type OrgVersion struct {
	Provenance  Provenance `json:"provenance"`
	ResourceID  string     `json:"resourceId,omitempty"`
	Fingerprint string     `json:"fingerprint,omitempty"`
	Size        int64      `json:"size"`
	// PublishedAt, PublishedByID, Publisher, AppVersion and PubID are what
	// the publish recorded in the Description (the third form; older forms
	// record fewer).
	PublishedAt   time.Time `json:"publishedAt,omitzero"`
	PublishedByID string    `json:"publishedById,omitempty"`
	Publisher     string    `json:"publisher,omitempty"`
	AppVersion    string    `json:"appVersion,omitempty"`
	PubID         string    `json:"pubId,omitempty"`
	// LastModifiedDate and LastModifiedBy* are the org's own fields.
	LastModifiedDate   time.Time `json:"lastModifiedDate,omitzero"`
	LastModifiedByID   string    `json:"lastModifiedById,omitempty"`
	LastModifiedByName string    `json:"lastModifiedByName,omitempty"`
}

// Holds reports whether the org holds exactly bundle fp of size bytes,
// published with Connectors (by this folder or elsewhere).
func (v *OrgVersion) Holds(fp string, size int64) bool {
	return v != nil && (v.Provenance == ProvOwn || v.Provenance == ProvConnectors) &&
		v.Fingerprint == fp && v.Size == size && fp != ""
}

// Who names who published or changed it: the user's name, else the
// username the record gives, else the user Id.
func (v *OrgVersion) Who() string {
	switch {
	case v.LastModifiedByName != "":
		return v.LastModifiedByName
	case v.Publisher != "":
		return v.Publisher
	case v.LastModifiedByID != "":
		return v.LastModifiedByID
	}
	return UnknownUser
}

// When is when this version was published, as its record says, else the
// org's own time of the last change.
func (v *OrgVersion) When() time.Time {
	if !v.PublishedAt.IsZero() {
		return v.PublishedAt
	}
	return v.LastModifiedDate
}

// Summary is one line: "published with Connectors on <when> by <who>
// (version sha256:abcd…, app 1.2.3)", or the change outside Connectors.
func (v *OrgVersion) Summary() string {
	w := v.When().Local().Format("2006-01-02 15:04")
	switch v.Provenance {
	case ProvOwn, ProvConnectors:
		who := v.Publisher // the record's own word, whichever request read it
		if who == "" {
			who = v.Who()
		}
		s := fmt.Sprintf("published with Connectors on %s by %s (version %s", w, who, backupShortFP(v.Fingerprint))
		if v.AppVersion != "" {
			s += ", app " + v.AppVersion
		}
		return s + ")"
	case ProvOutside:
		return "changed outside Connectors on " + v.LastModifiedDate.Local().Format("2006-01-02 15:04") + " by " + v.Who()
	case ProvForeign:
		return "not published with Connectors (last modified " + v.LastModifiedDate.Local().Format("2006-01-02 15:04") + " by " + v.Who() + ")"
	}
	return "absent"
}

// judgeResource is the one rule that tells what the org holds: own is
// whether a publish Id is one of this folder's writes; ourUser the
// connector's Salesforce user (for older Descriptions, which record no
// user of their own); rec the cached record of our last publish, used only
// for older Descriptions.
func JudgeResource(cur *salesforce.StaticResource, own func(pub string) bool, ourUser string, rec *PublishRecord) *OrgVersion {
	if cur == nil {
		return &OrgVersion{Provenance: ProvAbsent, Size: -1}
	}
	info := ParseDescription(cur.Description)
	v := &OrgVersion{
		ResourceID: cur.ID, Fingerprint: info.Fingerprint, Size: cur.BodyLength,
		PublishedAt: info.At, PublishedByID: info.UserID, Publisher: info.Publisher, AppVersion: info.AppVersion, PubID: info.PubID,
		LastModifiedDate: cur.LastModifiedDate.UTC(), LastModifiedByID: cur.LastModifiedByID, LastModifiedByName: cur.LastModifiedByName,
	}
	switch {
	case info.Fingerprint == "" || !strings.HasPrefix(cur.Description, descriptionPrefix):
		v.Provenance = ProvForeign
		if rec != nil && rec.ResourceID == cur.ID {
			// the record we published, its Description since replaced
			v.Provenance = ProvOutside
		}
	case info.Full():
		// A publish writes body and Description in one DML, as one user:
		// the record is consistent unless someone changed the body (or
		// wrote as another user) without writing a record of their own.
		switch {
		case !salesforce.SameID(info.UserID, cur.LastModifiedByID) || info.Size != cur.BodyLength:
			v.Provenance = ProvOutside
		case own != nil && own(info.PubID):
			v.Provenance = ProvOwn
		default:
			v.Provenance = ProvConnectors
		}
	default:
		v.Provenance = judgeOlderRecord(cur, info, ourUser, rec)
	}
	return v
}

// judgeOlderRecord judges a Description of an earlier version (fingerprint,
// perhaps version and username, no size or user Id): our cached record of
// the same record and fingerprint, untouched since, is ours; a write by
// another user is a change outside; the rest (our user, another version of
// the bundle) is taken as published with Connectors elsewhere.
func judgeOlderRecord(cur *salesforce.StaticResource, info DescriptionInfo, ourUser string, rec *PublishRecord) Provenance {
	if rec != nil && rec.ResourceID == cur.ID && rec.Fingerprint == info.Fingerprint && rec.Size == cur.BodyLength &&
		salesforce.SameID(rec.LastModifiedByID, cur.LastModifiedByID) {
		return ProvOwn
	}
	if ourUser == "" || !salesforce.SameID(ourUser, cur.LastModifiedByID) {
		return ProvOutside
	}
	return ProvConnectors
}

// newPubID is a random publish Id: 16 hex digits.
func NewPubID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

var PubIDPattern = lazyregexp.New(`^[0-9a-f]{16}$`)

// FoundElsewhere is the version the check found when it was published with
// Connectors elsewhere (another computer, a teammate, CI), else nil.
func (st *Status) FoundElsewhere() *OrgVersion {
	if st == nil || st.Found == nil || st.Found.Provenance != ProvConnectors {
		return nil
	}
	return st.Found
}
