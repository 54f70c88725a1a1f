package connector

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLastPublished: the card and the list name the last publish (when,
// which version, by whom): this folder's record, or the org's record of a
// newer publish elsewhere; a check older than our publish never hides it.
func TestLastPublished(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	fp := "sha256:3f2a9c0d12ab" + "00112233445566778899aabbccddeeff00112233445566778899aabb"
	c := Connector{System: "Demo", Environment: Sandbox, Org: &OrgInfo{Username: "admin@demo.example"}}

	assert.Nil(t, LastPublished(c, nil), "never published")
	assert.Len(t, ShortVersion(fp), 12)

	c.LastPublish = &PublishRecord{At: at, Resource: "WalkMe_Content", Fingerprint: fp, Size: 10}
	lp := LastPublished(c, nil)
	require.NotNil(t, lp)
	assert.Equal(t, LastPublish{At: at, Resource: "WalkMe_Content", Version: ShortVersion(fp), By: "admin@demo.example"}, *lp)

	// a check from before our publish (the org then held an older version)
	old := &Status{Found: &OrgVersion{Provenance: ProvOwn, PublishedAt: at.Add(-time.Hour), Fingerprint: "sha256:0000", Publisher: "x"}}
	assert.Equal(t, lp, LastPublished(c, old))

	// a teammate's newer publish, as the org's record tells it
	newer := &Status{Found: &OrgVersion{Provenance: ProvConnectors, PublishedAt: at.Add(time.Hour), Fingerprint: "sha256:aaaabbbbccccdddd", Publisher: "grace@demo.example"}}
	assert.Equal(t, &LastPublish{At: at.Add(time.Hour), Resource: "WalkMe_Content", Version: ShortVersion("sha256:aaaabbbbccccdddd"), By: "grace@demo.example"}, LastPublished(c, newer))

	// a change outside Connectors is not a publish
	outside := &Status{Found: &OrgVersion{Provenance: ProvOutside, LastModifiedDate: at.Add(2 * time.Hour)}}
	assert.Equal(t, lp, LastPublished(c, outside))

	// never published here, but the org holds a publish from elsewhere
	c.LastPublish = nil
	assert.Equal(t, "grace@demo.example", LastPublished(c, newer).By)
}
