package ui

import (
	"encoding/json"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
)

var updateTranslations = flag.Bool("update-translations", false, "rewrite translation/en.json from the source")

// sourceStrings returns every literal passed to lang.L (key = English) and
// every lang.X key with its fallback, from the package's non-test files.
func sourceStrings(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	out := map[string]string{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		require.NoError(t, err)
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "lang" {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			require.NoError(t, err)
			switch sel.Sel.Name {
			case "L":
				out[s] = s
			case "X":
				if fb, ok := call.Args[1].(*ast.BasicLit); ok {
					v, err := strconv.Unquote(fb.Value)
					require.NoError(t, err)
					out[s] = v
				}
			}
			return true
		})
	}
	return out
}

func readTranslation(t *testing.T, name string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("translation", name))
	require.NoError(t, err)
	m := map[string]string{}
	require.NoError(t, json.Unmarshal(data, &m))
	return m
}

// problemCodes are the codes the window translates ("problem.<code>").
var problemCodes = []string{
	connector.CodeNotFound, connector.CodeNotAuthorized, connector.CodeNeedsReauth, connector.CodeAccessDenied,
	connector.CodeStateMismatch, connector.CodePortInUse, connector.CodePortForbidden, connector.CodeTimeout,
	connector.CodeCanceled, connector.CodeRedirectMismatch, connector.CodeInvalidClient, connector.CodeAPIDisabled,
	connector.CodePermissionMissing, connector.CodeEnvMismatch, connector.CodeOrgChanged, connector.CodeKeyring,
	connector.CodeUnreachable, connector.CodeRequestLimit, connector.CodeDuplicate, connector.CodeInsufficientAccess,
	connector.CodeTooLarge, connector.CodeOrgStorageFull, connector.CodeInvalidName, connector.CodeInvalidLoginURL,
	connector.CodeInvalidBundle, connector.CodeBusy, connector.CodeVerifyFailed, connector.CodeNoBackup,
	connector.CodeRevokeFailed, connector.CodeMaintenance, connector.CodeProductionNotConfirmed,
	connector.CodeConcurrencyLimit, connector.CodeVerifyNeedsReauth,
	connector.CodeResourceExists, connector.CodeBackupDamaged,
	string(connector.StateSandboxRefreshed), string(connector.StateKeyringError), string(connector.StateNotAuthorized),
}

// TestTranslationsComplete: every string of the window is in en.json and
// fr.json, every problem code has a French message and fix, and the French
// file has no stale keys.
func TestTranslationsComplete(t *testing.T) {
	src := sourceStrings(t)
	require.Greater(t, len(src), 80, "the parser found the window's strings")
	if *updateTranslations {
		keys := make([]string, 0, len(src))
		for k := range src {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for k, v := range readTranslation(t, "en.json") {
			if isCatalogueKey(k) {
				src[k] = v
			}
		}
		data, err := json.MarshalIndent(src, "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join("translation", "en.json"), append(data, '\n'), 0o644))
	}
	en := readTranslation(t, "en.json")
	fr := readTranslation(t, "fr.json")
	for k, v := range src {
		assert.Equal(t, v, en[k], "en.json: %q", k)
		assert.NotEmpty(t, fr[k], "fr.json lacks %q", k)
	}
	for _, code := range problemCodes {
		assert.NotEmpty(t, fr["problem."+code], "fr.json lacks problem.%s", code)
		assert.NotEmpty(t, fr["problem."+code+".fix"], "fr.json lacks problem.%s.fix", code)
	}
	for k := range fr {
		if isCatalogueKey(k) {
			continue
		}
		_, ok := src[k]
		assert.True(t, ok, "fr.json has a stale key %q", k)
	}
	for k, v := range fr {
		if _, ok := en[k]; !ok && isCatalogueKey(k) {
			continue // the English is in the source; TestCatalogueComplete checks the arguments
		}
		assert.Equal(t, strings.Count(en[k], "{{"), strings.Count(v, "{{"), "placeholders of %q", k)
	}
}

// isCatalogueKey: problems, bundle reasons and formats, whose English lives
// in connector/ and packaging/ (en.json only holds the window's own wording).
func isCatalogueKey(k string) bool {
	return strings.HasPrefix(k, "problem.") || strings.HasPrefix(k, "bundle.") || strings.HasPrefix(k, "format.")
}

// TestLanguageFollowsLocale: French under fr_FR, English under en_GB, and
// English (not a crash) under LANG=C.
func TestLanguageFollowsLocale(t *testing.T) {
	tests := []struct {
		locale string
		want   string
	}{
		{"fr_FR.UTF-8", "Autoriser"},
		{"fr", "Autoriser"},
		{"en_GB.UTF-8", "Authorize"},
		{"de_DE.UTF-8", "Authorize"},
		{"C", "Authorize"},
	}
	for _, tt := range tests {
		t.Run(tt.locale, func(t *testing.T) {
			useLanguage(t, tt.locale)
			assert.Equal(t, tt.want, lang.L("Authorize"))
			assert.Equal(t, tt.want, newAuthScreen(&view{}).authBtn.Text)
		})
	}
}

// TestProblemTextTranslated: problems are translated by code, with the
// English message as the fallback for unknown codes.
func TestProblemTextTranslated(t *testing.T) {
	p := &connector.Problem{Code: connector.CodeAccessDenied, Message: "You clicked Deny.", Fix: "Authorize again and click Allow."}
	useLanguage(t, "en_US.UTF-8")
	msg, fix := problemText(p)
	assert.Equal(t, "You clicked Deny.", msg)
	assert.Equal(t, "Authorize again and click Allow.", fix)

	useLanguage(t, "fr_FR.UTF-8")
	msg, fix = problemText(p)
	assert.NotEqual(t, "You clicked Deny.", msg)
	assert.NotEmpty(t, fix)
	msg, _ = problemText(&connector.Problem{Code: "something_new", Message: "Something new happened."})
	assert.Equal(t, "Something new happened.", msg, "unknown codes fall back to English")
}
