package ui

import (
	"context"
	"crypto/rand"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
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
// Code, and every assignment to a problem's ID or Code after the literal,
// as explainHeadless sets them) and every bundle reason
// (packaging.ValidationError IDs) in the source of dir and the packages
// under it (CLI-only packages aside: connectorctl speaks English).
func walkCatalogue(t *testing.T, dir, typeName string) []catalogueEntry {
	t.Helper()
	var files []string
	if dir == "." { // the window's problems name the connector package's codes
		codes, err := filepath.Glob("../connector/*.go")
		require.NoError(t, err)
		files = append(files, codes...)
	}
	constOnly := len(files)
	require.NoError(t, filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "sfsim") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			files = append(files, path)
		}
		return nil
	}))
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
		case *ast.SelectorExpr: // connector.CodeJWTAudience
			s, ok := consts[x.Sel.Name]
			return s, ok
		}
		return "", false
	}
	isType := func(e ast.Expr) bool {
		switch x := e.(type) {
		case *ast.Ident:
			return x.Name == typeName
		case *ast.SelectorExpr:
			return x.Sel.Name == typeName
		}
		return false
	}
	var out []catalogueEntry
	for _, file := range parsed[constOnly:] {
		ast.Inspect(file, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CompositeLit:
				if !isType(x.Type) {
					return true
				}
				e := literalEntry(x, str)
				e.where = fset.Position(x.Pos()).String()
				out = append(out, e)
			case *ast.BlockStmt:
				out = append(out, assignedEntries(fset, x.List, str)...)
			case *ast.CaseClause:
				out = append(out, assignedEntries(fset, x.Body, str)...)
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

// literalEntry is the catalogue entry of a Problem (or ValidationError)
// literal: its ID, else its Code ("" when it has neither).
func literalEntry(x *ast.CompositeLit, str func(ast.Expr) (string, bool)) catalogueEntry {
	var e catalogueEntry
	code := ""
	for _, el := range x.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		switch kv.Key.(*ast.Ident).Name {
		case "Code":
			code, _ = str(kv.Value)
		case "ID":
			e.id, _ = str(kv.Value)
		case "Fix":
			e.hasFix = true
		case "Args":
			e.args = literalArgs(kv.Value, str)
		}
	}
	if e.id == "" {
		e.id = code
	}
	return e
}

func literalArgs(v ast.Expr, str func(ast.Expr) (string, bool)) map[string]bool {
	cl, ok := v.(*ast.CompositeLit)
	if !ok {
		return nil
	}
	args := map[string]bool{}
	for _, a := range cl.Elts {
		if k, ok := str(a.(*ast.KeyValueExpr).Key); ok {
			args[k] = true
		}
	}
	return args
}

// assignedEntries are the messages a list of statements sets on a problem
// after its literal (p.Code = …; p.ID = …; p.Fix = …; p.Args = …): the ID
// when one is set, else the Code.
func assignedEntries(fset *token.FileSet, list []ast.Stmt, str func(ast.Expr) (string, bool)) []catalogueEntry {
	var id, code string
	var e catalogueEntry
	for _, st := range list {
		as, ok := st.(*ast.AssignStmt)
		if !ok {
			continue
		}
		for i, l := range as.Lhs {
			sel, ok := l.(*ast.SelectorExpr)
			if !ok || i >= len(as.Rhs) {
				continue
			}
			switch sel.Sel.Name {
			case "Code":
				code, _ = str(as.Rhs[i])
				e.where = fset.Position(as.Pos()).String()
			case "ID":
				id, _ = str(as.Rhs[i])
				e.where = fset.Position(as.Pos()).String()
			case "Fix":
				e.hasFix = true
			case "Args":
				e.args = literalArgs(as.Rhs[i], str)
			}
		}
	}
	if e.id = id; e.id == "" {
		e.id = code
	}
	if e.id == "" || e.id == "unexpected" {
		return nil
	}
	return []catalogueEntry{e}
}

var placeholder = regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)

// TestCatalogueComplete walks the source for every problem and bundle
// reason: each has its French message (and fix), and a French text quotes
// only arguments the problem carries. A new problem without French fails.
func TestCatalogueComplete(t *testing.T) {
	fr := readTranslation(t, "fr.json")
	en := readTranslation(t, "en.json")
	check := func(prefix string, entries []catalogueEntry, least int) {
		require.GreaterOrEqual(t, len(entries), least, "the walk found the %s catalogue", prefix)
		for _, e := range entries {
			if e.id == "" || e.id == "unexpected" {
				continue
			}
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
	check("problem.", walkCatalogue(t, "../connector", "Problem"), 100)
	window := walkCatalogue(t, ".", "Problem")
	for _, e := range window { // the window's own problems: each its catalogue entry
		assert.True(t, e.id != "" && e.id != "unexpected", "a problem without an ID at %s shows its English text in French", e.where)
	}
	check("problem.", window, 3)
	check("problem.", walkCatalogue(t, "../connector/tokenstore", "UnavailableError"), 3)
	check("bundle.", walkCatalogue(t, "../packaging", "ValidationError"), 4)
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
