package salesforce

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector/sfsim"
)

// TestSimConditional: the write's answer gives the org's time (a bound of
// LastModifiedDate); a write conditioned on it lands, one conditioned on
// a time before a later change is refused (412) with nothing written; a
// read conditioned on it answers 304.
func TestSimConditional(t *testing.T) {
	org, c, _ := simSetup(t)
	ctx := testCtx(t)
	id, stats, err := c.CreateStaticResource(ctx, zipSpec("Cond", []byte("v1")))
	require.NoError(t, err)
	require.False(t, stats.ServerTime.IsZero(), "the Date of the answer")
	mod := org.Resource("Cond").LastModifiedDate
	assert.False(t, mod.Truncate(time.Second).After(stats.ServerTime), "the record was modified at or before the answer")

	got, modified, err := c.GetStaticResourceIfModified(ctx, id, stats.ServerTime)
	require.NoError(t, err)
	assert.False(t, modified)
	assert.Nil(t, got)

	spec := zipSpec("", []byte("v2"))
	spec.UnmodifiedSince = stats.ServerTime
	st2, err := c.UpdateStaticResource(ctx, id, spec)
	require.NoError(t, err)
	assert.Equal(t, "v2", string(org.Resource("Cond").Body))

	// A change after our write: the next conditional write is refused.
	org.PutResource(sfsim.Resource{ID: id, Name: "Cond", Body: []byte("theirs"), LastModifiedDate: time.Now().Add(5 * time.Second)})
	spec = zipSpec("", []byte("v3"))
	spec.UnmodifiedSince = st2.ServerTime
	_, err = c.UpdateStaticResource(ctx, id, spec)
	require.Error(t, err)
	assert.True(t, IsPreconditionFailed(err), "%v", err)
	assert.False(t, IsNotFound(err))
	assert.Equal(t, "theirs", string(org.Resource("Cond").Body), "nothing written")
	assert.Len(t, instanceRequests(org, http.MethodPatch), 2, "a 412 is not retried")

	got, modified, err = c.GetStaticResourceIfModified(ctx, id, st2.ServerTime)
	require.NoError(t, err)
	assert.True(t, modified)
	assert.Equal(t, id, got.ID)

	_, err = c.UpdateStaticResource(ctx, "081000000000000AAA", spec)
	assert.True(t, IsNotFound(err))
}

func TestSameID(t *testing.T) {
	assert.True(t, SameID("005000000000001AAA", "005000000000001"))
	assert.True(t, SameID("005000000000001", "005000000000001AAA"))
	assert.True(t, SameID("005000000000001AAA", "005000000000001AAA"))
	assert.False(t, SameID("005000000000001AAA", "005000000000002AAA"))
	assert.False(t, SameID("", ""))
	assert.False(t, SameID("005000000000001aaa", "005000000000001AAA"[:15]+"x"))
}

// TestSimRepeatRefusedAfterALostAnswer: a conditional write whose answer is
// lost lands; the client sends it again, and a write by someone else in
// between makes the org refuse the repeat (412). That refusal says nothing
// of the first attempt, which did land: the error says so
// (ErrEarlierAttemptUnknown, MayHaveLanded), while still a 412. A 412 to the
// only attempt stays a plain refusal.
func TestSimRepeatRefusedAfterALostAnswer(t *testing.T) {
	org, c, _ := simSetup(t)
	ctx := testCtx(t)
	id, stats, err := c.CreateStaticResource(ctx, zipSpec("Lost", []byte("v1")))
	require.NoError(t, err)

	org.FailNextWith(1, sfsim.Fault{Method: http.MethodPatch, LoseAnswer: true})
	patches := 0
	org.OnRequest(func(r *http.Request) {
		if r.Method == http.MethodPatch {
			if patches++; patches == 2 { // before the repeat: someone else writes
				org.PutResource(sfsim.Resource{ID: id, Name: "Lost", Body: []byte("theirs"), LastModifiedDate: time.Now().Add(5 * time.Second)})
			}
		}
	})
	spec := zipSpec("", []byte("v2"))
	spec.UnmodifiedSince = stats.ServerTime
	_, err = c.UpdateStaticResource(ctx, id, spec)
	require.Error(t, err)
	assert.True(t, IsPreconditionFailed(err), "%v", err)
	assert.ErrorIs(t, err, ErrEarlierAttemptUnknown)
	assert.True(t, MayHaveLanded(err), "the first attempt may have landed (it did)")
	var got []int
	for _, r := range instanceRequests(org, http.MethodPatch) {
		got = append(got, r.Status, r.LostStatus)
	}
	assert.Equal(t, []int{0, http.StatusNoContent, http.StatusPreconditionFailed, 0}, got, "the first landed, its answer lost; the repeat refused")

	// the only attempt refused: nothing landed
	spec = zipSpec("", []byte("v3"))
	spec.UnmodifiedSince = stats.ServerTime.Add(-time.Second)
	_, err = c.UpdateStaticResource(ctx, id, spec)
	require.Error(t, err)
	assert.True(t, IsPreconditionFailed(err), "%v", err)
	assert.NotErrorIs(t, err, ErrEarlierAttemptUnknown)
	assert.False(t, MayHaveLanded(err))
	assert.Equal(t, "theirs", string(org.Resource("Lost").Body))
}
