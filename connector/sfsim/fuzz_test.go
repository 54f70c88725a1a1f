package sfsim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var decodeSeeds = []string{
	`{"Name":"a","Body":"aGVsbG8="}`,
	`{"Body":"aGVs\/bG8=\n","Name":"x"}`,
	`{ "Body" : null }`,
	`{"Body":5}`,
	`{"Body":"!!"}`,
	`{"Name":{"a":[1,2,{"b":"}"}]},"Body":""}`,
	`{"Body":"aGVsbG8=","Body":"d29ybGQ="}`,
	`{"Name":"x"} trailing`,
	`[]`,
	`{"Name":"\u0041\"b"}`,
	`{`,
	``,
}

func decodeBytes(t testing.TB, input []byte) (*upload, *uploadError) {
	o := &Org{opts: Options{MaxResourceSize: 1 << 20, maxRequestSize: 1 << 22}}
	req, err := http.NewRequest(http.MethodPost, "http://x/", bytes.NewReader(input))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	return o.decodeUpload(req)
}

func TestDecodeUploadSeeds(t *testing.T) {
	for _, seed := range decodeSeeds {
		t.Run(seed, func(t *testing.T) { checkDecode(t, []byte(seed)) })
	}
	up, uerr := decodeBytes(t, []byte(`{"Body":"aGVsbG8=","Body":"d29ybGQ="}`))
	require.Nil(t, uerr)
	assert.Equal(t, "world", string(bytes.Join(up.body.chunks, nil)))
}

// checkDecode compares the streaming decoder with encoding/json: whenever
// encoding/json sees an object whose only Body key holds valid base64, the
// streaming decoder must agree on the bytes and on every other field.
func checkDecode(t *testing.T, input []byte) {
	up, uerr := decodeBytes(t, input)
	var m map[string]json.RawMessage
	if json.Unmarshal(input, &m) != nil || m == nil {
		return
	}
	bodyKeys := countBodyKeys(input)
	var s string
	raw, ok := m["Body"]
	if bodyKeys != 1 || !ok || json.Unmarshal(raw, &s) != nil {
		return
	}
	want, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\n", "", "\r", "").Replace(s))
	if err != nil || bytes.ContainsAny([]byte(s), "\t ") {
		return
	}
	require.Nil(t, uerr, "input %q", input)
	assert.Equal(t, string(want), string(bytes.Join(up.body.chunks, nil)))
	for k, v := range m {
		if k == "Body" {
			continue
		}
		var a, b any
		require.NoError(t, json.Unmarshal(v, &a))
		require.NoError(t, json.Unmarshal(up.fields[k], &b), "field %q", k)
		assert.Equal(t, a, b)
	}
}

func FuzzDecodeUpload(f *testing.F) {
	for _, seed := range decodeSeeds {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, input []byte) { checkDecode(t, input) })
}

// countBodyKeys counts top-level keys equal to Body (any case), repeats included.
func countBodyKeys(input []byte) int {
	dec := json.NewDecoder(bytes.NewReader(input))
	depth, n, expectKey := 0, 0, false
	for {
		tok, err := dec.Token()
		if err != nil {
			return n
		}
		switch tk := tok.(type) {
		case json.Delim:
			if tk == '{' || tk == '[' {
				depth++
			} else {
				depth--
			}
			expectKey = depth == 1 && tk == '{'
			continue
		case string:
			if depth == 1 && expectKey && strings.EqualFold(tk, "Body") {
				n++
			}
		}
		if depth == 1 {
			expectKey = !expectKey
		}
	}
}
