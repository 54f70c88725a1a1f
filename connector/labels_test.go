package connector

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestStateLabels: every state has one label, its own, in the one table
// both front ends show; a state this version does not know shows as it is.
func TestStateLabels(t *testing.T) {
	all := []State{StateConnected, StateNotAuthorized, StateNeedsReauth, StateSandboxRefreshed,
		StatePermissionMissing, StateEnvMismatch, StateUnreachable, StateKeyringError}
	assert.Equal(t, all, States())
	seen := map[string]bool{}
	for _, s := range all {
		l := s.Label()
		assert.NotEqual(t, string(s), l, "%s has a label", s)
		assert.False(t, seen[l], "%q labels two states", l)
		seen[l] = true
	}
	assert.Equal(t, "Needs re-authorization", StateNeedsReauth.Label(), "the window's spelling")
	assert.Equal(t, "Connected", StateConnected.Label())
	assert.Equal(t, "from_the_future", State("from_the_future").Label())
}

// TestFormatSize: one formatter per language, in binary units with one
// decimal unless zero; English is what packaging writes in its messages.
func TestFormatSize(t *testing.T) {
	tests := []struct {
		n      int64
		en, fr string
	}{
		{0, "0 B", "0 octets"},
		{800, "800 B", "800 octets"},
		{1023, "1023 B", "1023 octets"},
		{1024, "1 KB", "1 Ko"},
		{1536, "1.5 KB", "1,5 Ko"},
		{800 << 10, "800 KB", "800 Ko"},
		{3 << 19, "1.5 MB", "1,5 Mo"},
		{5<<20 + 100<<10, "5.1 MB", "5,1 Mo"},
		{3 << 30, "3 GB", "3 Go"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.en, FormatSize(tt.n, "en"), tt.n)
		assert.Equal(t, tt.fr, FormatSize(tt.n, "fr"), tt.n)
		assert.Equal(t, tt.en, FormatSize(tt.n, "de"), "any other language is English")
	}
}
