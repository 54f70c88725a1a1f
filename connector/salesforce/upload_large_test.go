package salesforce

import (
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A 401 on a large upload gets the refresh and one retry with a fresh body.
// (The server drains the body first, as sfsim does: when
// a server answers before reading and resets the connection, net/http may
// report the reset instead of the 401, which the publisher treats as a
// failed create.)
func TestRefreshOnLargeUpload(t *testing.T) {
	data := randomBytes(t, 1<<20)
	var n atomic.Int32
	c, tokens := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			io.Copy(io.Discard, r.Body)
			writeJSON(w, 401, invalidSession)
			return
		}
		decodeUpload(t, r)
		writeJSON(w, 201, `{"id":"081000000000009AAA","errors":[],"success":true}`)
	})
	var opens atomic.Int32
	for i := range 2 {
		n.Store(0)
		_, _, err := c.CreateStaticResource(testCtx(t), UploadSpec{Name: "X", Open: opener(data, &opens)})
		require.NoError(t, err, "iteration %d", i)
	}
	assert.Equal(t, 2, tokens.refreshes())
	assert.Equal(t, 4, c.Requests())
	assert.EqualValues(t, 4, opens.Load())
}
