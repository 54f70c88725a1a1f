package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDoctorReportsChecks(t *testing.T) {
	c := newCLI(t)
	r := c.run("doctor", "--json")
	var d struct {
		OK     bool                         `json:"ok"`
		Checks []map[string]json.RawMessage `json:"checks"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &d), r.stdout+r.stderr)
	allOK := true
	for _, ch := range d.Checks {
		requireKeys(t, ch, "name", "ok", "detail")
		var ok bool
		require.NoError(t, json.Unmarshal(ch["ok"], &ok))
		allOK = allOK && ok
	}
	assert.Equal(t, allOK, d.OK)
	if allOK {
		assert.Equal(t, exitOK, r.code)
	} else {
		assert.Equal(t, exitFailure, r.code)
	}

	r2 := c.run("doctor")
	assert.Equal(t, r.code, r2.code)
	marked := 0
	for _, l := range strings.Split(r2.stdout, "\n") {
		if strings.HasPrefix(l, symOK+" ") || strings.HasPrefix(l, symFail+" ") {
			marked++
		}
	}
	assert.Equal(t, len(d.Checks), marked, r2.stdout)
	assert.Equal(t, allOK, strings.Contains(r2.stdout, "All checks passed."))
}
