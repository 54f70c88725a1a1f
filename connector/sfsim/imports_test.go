package sfsim

import (
	goparser "go/parser"
	gotoken "go/token"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImportsStandardLibraryOnly keeps sfsim independent: no testing, no
// package of this module, nothing outside the standard library, so a
// misunderstanding of the wire format cannot hide on both sides.
func TestImportsStandardLibraryOnly(t *testing.T) {
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	fset := gotoken.NewFileSet()
	checked := 0
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := goparser.ParseFile(fset, name, nil, goparser.ImportsOnly)
		require.NoError(t, err)
		for _, imp := range f.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			require.NoError(t, err)
			first := strings.Split(path, "/")[0]
			assert.NotContains(t, first, ".", "%s imports %s (standard library only)", name, path)
			assert.NotEqual(t, "testing", path, "%s imports testing", name)
		}
		checked++
	}
	assert.Positive(t, checked)
}
