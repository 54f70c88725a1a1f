package main

import (
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/packaging"
)

// jsonNames lists the JSON field names of a struct type, following
// embedded structs.
func jsonNames(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name := strings.Split(tag, ",")[0]
		if f.Anonymous && tag == "" {
			out = append(out, jsonNames(f.Type)...)
			continue
		}
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	return out
}

// Every field --json can print is documented in doc.go (the README section
// is generated from the same text).
func TestJSONFieldsAreDocumented(t *testing.T) {
	b, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	doc := string(b)
	types := []any{
		jsonError{}, problemJSON{}, authorizeJSON{}, listItem{}, statusJSON{}, publishJSON{}, bundleJSON{},
		resultJSON{}, disconnectJSON{}, doctorJSON{}, diagnosticsJSON{}, renameJSON{}, removeJSON{},
		fleetJSON{}, fleetBundleJSON{}, fleetRowJSON{}, fleetCheckJSON{}, fleetChangeJSON{},
		connector.OrgInfo{}, connector.Permissions{}, connector.APIUsage{}, connector.ResourceInfo{},
		connector.PublishRecord{}, connector.Check{}, packaging.FileEntry{},
	}
	for _, v := range types {
		typ := reflect.TypeOf(v)
		for _, name := range jsonNames(typ) {
			re := regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\b`)
			assert.True(t, re.MatchString(doc), "%s.%s is not documented in doc.go", typ.Name(), name)
		}
	}
}
