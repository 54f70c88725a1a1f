package packaging

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var nameRE = regexp.MustCompile(`^[A-Za-z](?:_?[A-Za-z0-9])*$`)

var nameCases = []struct {
	name    string
	in      string
	ok      bool
	reason  string // part of the reason when !ok
	suggest string
}{
	{"single letter", "a", true, "", "a"},
	{"mixed", "A1_b", true, "", "A1_b"},
	{"walkme", "WalkMe_Content", true, "", "WalkMe_Content"},
	{"max length", strings.Repeat("a", 255), true, "", strings.Repeat("a", 255)},
	{"empty", "", false, "it is empty", "Resource"},
	{"leading underscore", "_a", false, "does not start with a letter", "a"},
	{"trailing underscore", "a_", false, "ends with an underscore", "a"},
	{"double underscore", "a__b", false, "two underscores in a row", "a_b"},
	{"leading digit", "1a", false, "does not start with a letter", "Resource_1a"},
	{"hyphen", "a-b", false, `contains '-'`, "a_b"},
	{"walkme hyphen", "walkme-content", false, `contains '-'`, "walkme_content"},
	{"space", "my bundle", false, "contains a space", "my_bundle"},
	{"too long", strings.Repeat("a", 256), false, "256 characters long", strings.Repeat("a", 255)},
	{"unicode", "café", false, `contains 'é'`, "caf"},
	{"only symbols", "---", false, "does not start with a letter", "Resource"},
	{"dots and slashes", "walkme/v2.1", false, `contains '/'`, "walkme_v2_1"},
}

func TestValidateResourceName(t *testing.T) {
	for _, tt := range nameCases {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateResourceName(tt.in)
			if tt.ok {
				require.NoError(t, err)
				return
			}
			var verr *ValidationError
			require.ErrorAs(t, err, &verr)
			assert.ErrorIs(t, err, ErrInvalidName)
			assert.Contains(t, verr.Reason, tt.reason)
			assert.Contains(t, verr.Reason, "must start with a letter", "the reason states the rule")
			assert.Equal(t, `Use "`+tt.suggest+`" instead.`, verr.Fix)
		})
	}
}

func TestSuggestResourceName(t *testing.T) {
	for _, tt := range nameCases {
		t.Run(tt.name, func(t *testing.T) {
			got := SuggestResourceName(tt.in)
			assert.Equal(t, tt.suggest, got)
			assert.NoError(t, ValidateResourceName(got))
		})
	}
	t.Run("long with underscore at the cut", func(t *testing.T) {
		in := strings.Repeat("a", 254) + "-b"
		got := SuggestResourceName(in)
		assert.Equal(t, strings.Repeat("a", 254), got)
		assert.NoError(t, ValidateResourceName(got))
	})
}

func FuzzValidateResourceName(f *testing.F) {
	for _, tt := range nameCases {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateResourceName(s)
		want := nameRE.MatchString(s) && len(s) <= MaxResourceNameLen
		if want != (err == nil) {
			t.Fatalf("ValidateResourceName(%q) = %v, regexp and length say valid=%v", s, err, want)
		}
		if err != nil && !errors.Is(err, ErrInvalidName) {
			t.Fatalf("error %v is not ErrInvalidName", err)
		}
		sug := SuggestResourceName(s)
		if verr := ValidateResourceName(sug); verr != nil {
			t.Fatalf("suggestion %q for %q is invalid: %v", sug, s, verr)
		}
		if want && sug != s {
			t.Fatalf("suggestion %q changed the valid name %q", sug, s)
		}
	})
}

// A key or a secret given where a resource name was wanted (--resource) is
// neither quoted nor turned into a suggested name.
func TestInvalidResourceNameThatMayBeASecretIsNotShown(t *testing.T) {
	for _, in := range []string{
		"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
		"8B3C51E0A2F94D6E7A1B2C3D4E5F60718293A4B5C6D7E8F9012345678ABCDEF0",
	} {
		err := ValidateResourceName(in)
		var verr *ValidationError
		require.ErrorAs(t, err, &verr)
		assert.ErrorIs(t, err, ErrInvalidName)
		assert.Equal(t, "invalid_name_hidden", verr.ID)
		assert.Contains(t, verr.Reason, "(not shown)")
		for _, part := range []string{"MIIEvQIBADANBgkqhkiG9w0", "8B3C51E0A2F94D6E", "x8B3C51E0"} {
			assert.NotContains(t, verr.Error()+verr.Fix, part)
		}
	}
}
