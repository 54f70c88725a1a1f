package oauth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParsePrivateKeyFormats(t *testing.T) {
	keyPEM, certPEM, err := NewKeyPair("ci", time.Hour)
	require.NoError(t, err)
	k8, err := ParsePrivateKey(keyPEM) // PKCS#8, as openssl req -newkey writes
	require.NoError(t, err)
	block, _ := pem.Decode(certPEM)
	cert, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	assert.True(t, k8.PublicKey.Equal(cert.PublicKey), "the certificate is of the key")
	assert.Equal(t, 2048, k8.N.BitLen())

	p1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k8)}) // openssl genrsa -traditional
	k1, err := ParsePrivateKey(p1)
	require.NoError(t, err)
	assert.True(t, k1.Equal(k8))

	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ecDER, err := x509.MarshalPKCS8PrivateKey(ec)
	require.NoError(t, err)
	for name, in := range map[string][]byte{
		"empty":     nil,
		"not pem":   []byte("hello"),
		"ec":        pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}),
		"encrypted": pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1, 2}}),
		"cert":      certPEM,
	} {
		_, err := ParsePrivateKey(in)
		assert.Error(t, err, name)
	}
	// The error never quotes the key.
	_, err = ParsePrivateKey(append([]byte("-----BEGIN PRIVATE KEY-----\nAAAA"), keyPEM[30:60]...))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), string(keyPEM[30:60]))
}

func TestSignJWTClaimsAndSignature(t *testing.T) {
	keyPEM, _, err := NewKeyPair("ci", time.Hour)
	require.NoError(t, err)
	key, err := ParsePrivateKey(keyPEM)
	require.NoError(t, err)
	now := time.Unix(1_800_000_000, 0)
	jwt, err := SignJWT(key, "KEY", "ci@acme.com", "https://test.salesforce.com", now)
	require.NoError(t, err)
	parts := strings.Split(jwt, ".")
	require.Len(t, parts, 3)
	dec := func(s string) map[string]any {
		b, err := base64.RawURLEncoding.DecodeString(s)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m))
		return m
	}
	assert.Equal(t, map[string]any{"alg": "RS256"}, dec(parts[0]))
	c := dec(parts[1])
	assert.Equal(t, "KEY", c["iss"])
	assert.Equal(t, "ci@acme.com", c["sub"])
	assert.Equal(t, "https://test.salesforce.com", c["aud"])
	assert.InDelta(t, float64(now.Add(JWTLifetime).Unix()), c["exp"], 0)
	assert.LessOrEqual(t, JWTLifetime, 3*time.Minute, "Salesforce wants exp within 3 minutes")
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	require.NoError(t, err)
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	assert.NoError(t, rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, sum[:], sig))
}
