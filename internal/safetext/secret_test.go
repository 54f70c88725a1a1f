package safetext

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

const testPEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nq3VnYm9ndXNrZXlib2d1c2tleWJvZ3Vza2V5Ym9ndXNrZXkxMjM0\n-----END PRIVATE KEY-----\n"

func TestMaySecretAndValue(t *testing.T) {
	tests := []struct {
		name, in string
		secret   bool
		shown    string // what Value says
	}{
		{"a path", "/tmp/ci-keys/connectors-ci.key", false, `"/tmp/ci-keys/connectors-ci.key"`},
		{"a long path of words", "/home/someone/projects/my-very-long-project-name-that-goes-on/keys/ci.pem", false, `"/home/someone/projects/my-very-long-project-name-that-goes-on/keys/ci.pem"`},
		{"a URL", "https://acme--uat.sandbox.my.salesforce.com", false, `"https://acme--uat.sandbox.my.salesforce.com"`},
		{"a shard", "2/4", false, `"2/4"`},
		{"empty", "", false, `""`},
		{"a flag", "--no-browser", false, `"--no-browser"`},
		{"a control character is escaped", "a\x1bb", false, `"a\x1bb"`},
		{"a whole PEM key", testPEM, true, "a PEM private key (not shown)"},
		{"an RSA PEM key on one line", "-----BEGIN RSA PRIVATE KEY----- MIIE", true, "a PEM private key (not shown)"},
		{"a certificate", "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----", true, "a PEM certificate (not shown)"},
		{"the first word of an unquoted key", "-----BEGIN", true, "PEM text (not shown)"},
		{"a key's body line", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7", true, "a 52-character value (not shown)"},
		{"a consumer secret", "8B3C51E0A2F94D6E7A1B2C3D4E5F60718293A4B5C6D7E8F9012345678ABCDEF0", true, "a 64-character value (not shown)"},
		{"an access token", "00D5g000004SxyzAB!AQ4AQFq1n8Rk2TKvW3zL0pY9sD", true, "a 44-character value (not shown)"},
		{"two lines", "line one\nline two\n", true, "text of 2 lines (not shown)"},
		{"very long", strings.Repeat("ab/", 100), true, "a 300-character value (not shown)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.secret, MaySecret(tt.in))
			assert.Equal(t, tt.shown, Value(tt.in))
			if tt.secret {
				assert.NotContains(t, Value(tt.in), "MII")
				assert.NotContains(t, Describe(tt.in), "MII")
			}
		})
	}
}

func TestScrubHidesSecretArgumentsInForeignMessages(t *testing.T) {
	args := []string{"authorize", "Acme/Sandbox", "--jwt-key-file=" + testPEM, "--shard", testPEM, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7"}
	for _, msg := range []string{
		"bad flag syntax: " + testPEM,
		`invalid argument "` + strings.ReplaceAll(testPEM, "\n", `\n`) + `" for "--shard" flag`,
		"unknown command \"MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\" for \"connectorctl\"",
		"bad flag syntax: --jwt-key-file=" + testPEM,
		Escape("bad flag syntax: " + testPEM),
	} {
		got := Scrub(msg, args)
		assert.NotContains(t, got, "MIIE", msg)
		assert.NotContains(t, got, "q3Vn", msg)
		assert.Contains(t, got, "(not shown)", msg)
	}
	assert.Equal(t, `unknown flag: --nope`, Scrub(`unknown flag: --nope`, args), "nothing secret, nothing changed")
}

func TestMaySecretLeavesPathsAndNamesShown(t *testing.T) {
	for _, v := range []string{
		"/tmp/TestJWTKeyIsNeverQuotedamissing_file2871625098/001/nope.key",
		"/builds/acme/site.tmp/CONNECTORS_JWT_KEY_FILE",
		"/home/runner/work/_temp/connectors-ci-2024-11-24.key",
		"C:\\Users\\Someone\\connectors\\ci.key",
		"3/4", "Acme/Sandbox", "ci@acme.example", "https://acme.my.salesforce.com",
	} {
		assert.False(t, MaySecret(v), v)
	}
	for _, v := range []string{
		"MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
		"q3VnYm9ndXNr/ZXlib2d1c2tleWJvZ3+Vza2V5Ym9ndXNrZXkxMjM0",
		"550e8400-e29b-41d4-a716-446655440000",
	} {
		assert.True(t, MaySecret(v), v)
	}
}

func TestPlain(t *testing.T) {
	assert.Equal(t, "/tmp/content", Plain("/tmp/content"))
	assert.Equal(t, `a\x1bb`, Plain("a\x1bb"))
	assert.Equal(t, "a PEM private key (not shown)", Plain(testPEM))
}
