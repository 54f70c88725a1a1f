package salesforce

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A server that answers 401 before reading a large upload (as a proxy or
// Salesforce may) still gets the refresh and one retry with a fresh body.
func TestEarlyReplyOnLargeUpload(t *testing.T) {
	data := randomBytes(t, 2<<20)
	var n atomic.Int32
	c, tokens := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			writeJSON(w, 401, invalidSession)
			return
		}
		decodeUpload(t, r)
		writeJSON(w, 201, `{"id":"081000000000009AAA","errors":[],"success":true}`)
	})
	var opens atomic.Int32
	for i := range 5 {
		n.Store(0)
		_, _, err := c.CreateStaticResource(testCtx(t), UploadSpec{Name: "X", Open: opener(data, &opens)})
		require.NoError(t, err, "iteration %d", i)
	}
	assert.Equal(t, 5, tokens.refreshes())
	assert.Equal(t, 10, c.Requests())
	assert.EqualValues(t, 10, opens.Load())
}
