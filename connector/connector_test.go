package connector

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseCallbackPorts(t *testing.T) {
	tests := []struct {
		in      string
		want    []int
		wantErr string
	}{
		{in: "", want: nil},
		{in: "1717", want: []int{1717}},
		{in: "1717, 1718 1719", want: []int{1717, 1718, 1719}},
		{in: "1718,1717,1718", want: []int{1718, 1717}},
		{in: "17a7", wantErr: `"17a7" is not a port`},
		{in: "0", wantErr: "from 1 to 65535"},
		{in: "70000", wantErr: "from 1 to 65535"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseCallbackPorts(tt.in)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseKeyAndEnvironment(t *testing.T) {
	k, err := ParseKey("Lightning/sandbox")
	require.NoError(t, err)
	assert.Equal(t, Key{System: "Lightning", Environment: Sandbox}, k)
	assert.Equal(t, "Lightning/Sandbox", k.String())
	for _, bad := range []string{"Lightning", "/Sandbox", "Lightning/", "Lightning/sta ging", "Lightning/uat:prod", "Lightning/:sandbox"} {
		_, err := ParseKey(bad)
		assert.Error(t, err, bad)
	}
}

// TestNamedEnvironments: an admin adds UAT, QA… environments, each with the
// org kind the environment check uses; one connector per system ×
// environment still holds, whatever the case or whether the kind is given.
func TestNamedEnvironments(t *testing.T) {
	k, err := ParseKey("Acme/UAT:Sandbox")
	require.NoError(t, err)
	assert.Equal(t, Environment("uat:sandbox"), k.Environment)
	assert.Equal(t, "Acme/UAT", k.String())
	assert.False(t, k.Environment.IsProduction())
	assert.Equal(t, "https://test.salesforce.com", k.Environment.DefaultLoginURL())

	eu, err := ParseEnvironment("eu-prod:production")
	require.NoError(t, err)
	assert.True(t, eu.IsProduction())
	assert.Equal(t, "Eu-prod", eu.Title())
	assert.True(t, Connector{System: "Acme", Environment: eu}.IsProductionTarget())
	assert.False(t, Connector{System: "Acme", Environment: k.Environment}.IsProductionTarget())

	bare, err := ParseEnvironment("uat")
	require.NoError(t, err)
	assert.True(t, bare.Same(k.Environment))
	assert.False(t, bare.HasKind())

	r := newTestRegistry(t)
	_, err = r.Upsert(Key{System: "Acme", Environment: bare}, nil)
	assert.Equal(t, CodeInvalidKey, AsProblem(err).Code, "a new named environment needs its org kind")
	for _, env := range []Environment{Sandbox, k.Environment, "qa:sandbox", eu} {
		_, err := r.Upsert(Key{System: "Acme", Environment: env}, nil)
		require.NoError(t, err)
	}
	c, err := r.Get(Key{System: "acme", Environment: bare})
	require.NoError(t, err, "found by its name alone")
	assert.Equal(t, k.Environment, c.Environment)
	_, err = r.Upsert(Key{System: "Acme", Environment: "uat:production"}, func(c *Connector) error { c.ResourceName = "X"; return nil })
	require.NoError(t, err)
	list, err := r.List()
	require.NoError(t, err)
	var envs []Environment
	for _, c := range list {
		envs = append(envs, c.Environment)
	}
	assert.Equal(t, []Environment{Sandbox, "eu-prod:production", "qa:sandbox", "uat:sandbox"}, envs,
		"one connector per system × environment: UAT kept its kind")
}
