package ui

import (
	"context"
	"crypto/rand"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"net"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/oauth"
	"github.com/connectors-app/connectors/connector/tokenstore"
	"github.com/connectors-app/connectors/packaging"
)

// catalogueEntry is one message of the catalogue found in the source: its
// ID, whether it has a fix, the argument names it carries (nil when they
// are not a literal), and where it is.
type catalogueEntry struct {
	id     string
	hasFix bool
	args   map[string]bool
	where  string
}

var snakeID = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// walkCatalogue finds every problem (connector.Problem literals, by ID or
// Code) and every bundle reason (packaging.ValidationError IDs) in the
// source of dir.
func walkCatalogue(t *testing.T, dir, typeName string) []catalogueEntry {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	require.NoError(t, err)
	fset := token.NewFileSet()
	var parsed []*ast.File
	consts := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		require.NoError(t, err)
		parsed = append(parsed, file)
		for _, d := range file.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i < len(vs.Values) {
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							consts[n.Name], _ = strconv.Unquote(lit.Value)
						}
					}
				}
			}
		}
	}
	str := func(e ast.Expr) (string, bool) {
		switch x := e.(type) {
		case *ast.BasicLit:
			if x.Kind == token.STRING {
				s, err := strconv.Unquote(x.Value)
				return s, err == nil
			}
		case *ast.Ident:
			s, ok := consts[x.Name]
			return s, ok
		}
		return "", false
	}
	var out []catalogueEntry
	for _, file := range parsed {
		ast.Inspect(file, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CompositeLit:
				id, ok := x.Type.(*ast.Ident)
				if !ok || id.Name != typeName {
					return true
				}
				e := catalogueEntry{where: fset.Position(x.Pos()).String()}
				code := ""
				for _, el := range x.Elts {
					kv, ok := el.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					key := kv.Key.(*ast.Ident).Name
					switch key {
					case "Code":
						code, _ = str(kv.Value)
					case "ID":
						e.id, _ = str(kv.Value)
					case "Fix":
						e.hasFix = true
					case "Args":
						if cl, ok := kv.Value.(*ast.CompositeLit); ok {
							e.args = map[string]bool{}
							for _, a := range cl.Elts {
								if k, ok := str(a.(*ast.KeyValueExpr).Key); ok {
									e.args[k] = true
								}
							}
						}
					}
				}
				if e.id == "" {
					e.id = code
				}
				if e.id != "" && e.id != "unexpected" {
					out = append(out, e)
				}
			case *ast.CallExpr: // insecure("path_absolute", …), duplicate(name, "duplicate_case", …)
				fn, ok := x.Fun.(*ast.Ident)
				if !ok || (fn.Name != "insecure" && fn.Name != "duplicate") {
					return true
				}
				for _, a := range x.Args {
					if s, ok := str(a); ok && snakeID.MatchString(s) {
						out = append(out, catalogueEntry{id: s, hasFix: true, where: fset.Position(x.Pos()).String()})
					}
				}
			case *ast.AssignStmt: // reason, id := "…", "corrupt_zip"
				for i, l := range x.Lhs {
					if li, ok := l.(*ast.Ident); ok && li.Name == "id" && i < len(x.Rhs) {
						if s, ok := str(x.Rhs[i]); ok && snakeID.MatchString(s) {
							out = append(out, catalogueEntry{id: s, hasFix: true, where: fset.Position(x.Pos()).String()})
						}
					}
				}
			}
			return true
		})
	}
	return out
}

var placeholder = regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)

// TestCatalogueComplete walks the source for every problem and bundle
// reason: each has its French message (and fix), and a French text quotes
// only arguments the problem carries. A new problem without French fails.
func TestCatalogueComplete(t *testing.T) {
	fr := readTranslation(t, "fr.json")
	en := readTranslation(t, "en.json")
	check := func(prefix string, entries []catalogueEntry) {
		require.Greater(t, len(entries), 20, "the walk found the %s catalogue", prefix)
		for _, e := range entries {
			key := prefix + e.id
			keys := []string{key}
			if e.hasFix {
				keys = append(keys, key+".fix")
			}
			for _, k := range keys {
				text, ok := fr[k]
				if !assert.True(t, ok, "fr.json lacks %q (%s)", k, e.where) {
					continue
				}
				if e.args == nil {
					continue
				}
				for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
					assert.True(t, e.args[m[1]], "fr.json %q quotes {{.%s}}, which %s does not carry", k, m[1], e.where)
				}
				if tmpl, ok := en[k]; ok {
					for _, m := range placeholder.FindAllStringSubmatch(tmpl, -1) {
						assert.True(t, e.args[m[1]], "en.json %q quotes {{.%s}}, which %s does not carry", k, m[1], e.where)
					}
				}
			}
		}
	}
	check("problem.", walkCatalogue(t, "../connector", "Problem"))
	check("bundle.", walkCatalogue(t, "../packaging", "ValidationError"))
}

// TestBundleErrorsInFrench: bundle and name errors are French through and
// through, with the sizes in French formats (they were English inside a
// French sentence: "Le paquet est inutilisable : the bundle is 5.7 MB…").
func TestBundleErrorsInFrench(t *testing.T) {
	useLanguage(t, "fr_FR.UTF-8")
	big := make([]byte, 6<<20)
	_, err := rand.Read(big)
	require.NoError(t, err)
	_, err = packaging.FromFS(fstest.MapFS{"big.bin": {Data: big}}, "big")
	require.Error(t, err)
	msg, fix := problemText(err)
	assert.Contains(t, msg, "Le paquet est inutilisable : le paquet fait 6 Mo, au-delà de la limite de 5 Mo")
	assert.Contains(t, fix, "Retirez ou réduisez au moins 1 Mo")
	assert.NotContains(t, msg+fix, "bundle is")

	msg, fix = problemText(packaging.ValidateResourceName("my content"))
	assert.Contains(t, msg, "« my content » n'est pas un nom de ressource statique valide")
	assert.Equal(t, "Utilisez « my_content » à la place.", fix)
}

// TestTimeoutsSayWhatTimedOut: a publish or Salesforce timeout no longer
// reads as "the browser did not come back".
func TestTimeoutsSayWhatTimedOut(t *testing.T) {
	for _, code := range languages {
		t.Run(code, func(t *testing.T) {
			useLanguage(t, code)
			browser, _ := problemText(connector.Explain(oauth.ErrTimeout))
			network, _ := problemText(connector.Explain(context.DeadlineExceeded))
			assert.NotEqual(t, browser, network)
			want := map[string]string{"en": "Salesforce did not answer in time.", "fr": "Salesforce n'a pas répondu à temps."}[code]
			assert.Equal(t, want, network)
		})
	}
}

// TestWindowTextNamesNoCommand: the window never tells an admin to run
// connectorctl or set an environment variable, while the CLI keeps saying so.
func TestWindowTextNamesNoCommand(t *testing.T) {
	errs := []error{
		connector.Explain(&net.OpError{Op: "dial", Err: errors.New("connection refused")}),
		connector.Explain(tokenstore.ErrNotFound),
		&connector.Problem{Code: connector.CodeProductionNotConfirmed, Message: "x", Fix: "Confirm (with connectorctl, pass --yes)."},
	}
	for _, code := range languages {
		useLanguage(t, code)
		for _, err := range errs {
			line := problemLine(err)
			assert.NotContains(t, line, "connectorctl")
			assert.NotContains(t, line, "_PROXY")
		}
	}
	assert.Contains(t, errs[0].Error(), "HTTPS_PROXY", "the CLI still names the variables")
}

// TestFrenchFormats: sizes and dates follow the language.
func TestFrenchFormats(t *testing.T) {
	at := time.Date(2026, 11, 29, 14, 5, 0, 0, time.Local)
	useLanguage(t, "en_US.UTF-8")
	assert.Equal(t, "1.5 KB", humanSize(1536))
	assert.Equal(t, "2026-11-29 14:05", formatTime(at))
	useLanguage(t, "fr_FR.UTF-8")
	assert.Equal(t, "1,5 Ko", humanSize(1536))
	assert.Equal(t, "800 octets", humanSize(800))
	assert.Equal(t, "29/11/2026 14:05", formatTime(at))
}
