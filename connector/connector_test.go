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
	for _, bad := range []string{"Lightning", "/Sandbox", "Lightning/", "Lightning/staging"} {
		_, err := ParseKey(bad)
		assert.Error(t, err, bad)
	}
}
