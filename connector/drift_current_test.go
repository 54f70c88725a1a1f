package connector

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// The drift a front end shows: the live check's when it is newer than our
// last publish, else the one recorded on the connector.
func TestCurrentDrift(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	recorded := &Drift{LastModifiedByName: "Recorded"}
	live := &Drift{LastModifiedByName: "Live"}
	c := Connector{Drift: recorded, LastPublish: &PublishRecord{At: t0}}

	assert.Same(t, recorded, CurrentDrift(c, nil), "no live check: as recorded")
	assert.Same(t, recorded, CurrentDrift(c, &Status{CheckedAt: t0.Add(time.Hour)}), "a check that did not look the resource up says nothing")
	assert.Same(t, live, CurrentDrift(c, &Status{Drift: live, CheckedAt: t0.Add(time.Hour)}), "a newer check wins")
	assert.Same(t, recorded, CurrentDrift(c, &Status{Drift: live, CheckedAt: t0.Add(-time.Hour)}), "a check older than our publish loses")
	assert.Nil(t, CurrentDrift(c, &Status{Resource: &ResourceInfo{}, CheckedAt: t0.Add(time.Hour)}), "a newer check that found no drift clears it")
	assert.Same(t, live, CurrentDrift(Connector{Drift: recorded}, &Status{Drift: live, CheckedAt: t0}), "never published here: the check wins")
}
