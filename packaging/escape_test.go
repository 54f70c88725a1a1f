package packaging

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/internal/safetext"
)

// A bad bundle's message names the entry with its control characters,
// bidirectional overrides and invalid bytes escaped: a ZIP cannot recolour
// the terminal or disguise a name through the error that refuses it.
func TestValidationErrorsEscapeEntryNames(t *testing.T) {
	for _, tc := range []struct {
		name  string
		data  []byte
		err   error
		entry string
	}{
		{"ANSI and carriage return", makeZip(t, zent{name: "ok\x1b[31m\rfake.js", body: "x"}), ErrInsecurePath, `ok\x1b[31m\rfake.js`},
		{"not UTF-8", makeZip(t, zent{name: "caf\xe9.js", body: "x"}), ErrInsecurePath, `caf\xe9.js`},
		{"C1 control in a folder", makeZip(t, zent{name: "a\u009b2J/", body: ""}), ErrInsecurePath, `a\u009b2J/`},
		{"bidi override in a duplicate", makeZip(t, zent{name: "invoice\u202egnp.js", body: "1"}, zent{name: "INVOICE\u202eGNP.js", body: "2"}),
			ErrDuplicate, `INVOICE\u202eGNP.js`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FromZip(tc.data, "bad.zip")
			require.ErrorIs(t, err, tc.err)
			var verr *ValidationError
			require.True(t, errors.As(err, &verr))
			assert.Equal(t, tc.entry, verr.Entry)
			assert.Equal(t, safetext.Escape(err.Error()), err.Error(), "the message holds raw control characters: %q", err.Error())
		})
	}
}

func TestFolderValidationErrorsEscapeNames(t *testing.T) {
	t.Run("control character on disk", func(t *testing.T) {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "x\x1b]0;pwned\x07.js"), []byte("1"), 0o600))
		_, err := Open(dir)
		require.ErrorIs(t, err, ErrInsecurePath)
		var verr *ValidationError
		require.True(t, errors.As(err, &verr))
		assert.Equal(t, `x\x1b]0;pwned\a.js`, verr.Entry)
	})
	t.Run("bidi override in a symlink", func(t *testing.T) {
		fsys := fstest.MapFS{"a.js": {Data: []byte("1")}, "evil\u202esj.js": {Mode: os.ModeSymlink, Data: []byte("a.js")}}
		_, err := FromFS(fsys, "")
		require.ErrorIs(t, err, ErrSymlink)
		var verr *ValidationError
		require.True(t, errors.As(err, &verr))
		assert.Equal(t, `evil\u202esj.js`, verr.Entry)
	})
}
