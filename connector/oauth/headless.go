package oauth

// Headless grants for CI (§11.1, §11.2): the JWT bearer flow and the
// client-credentials flow. Neither returns a refresh token: when the access
// token dies, the caller runs the grant again.

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"time"
)

// GrantJWTBearer is the grant_type of the JWT bearer flow.
const GrantJWTBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer" //nolint:gosec // a grant type name, not a credential

// JWTLifetime is how far ahead an assertion's exp is set: Salesforce wants
// it "within 3 minutes".
const JWTLifetime = 2 * time.Minute

// ParsePrivateKey reads an RSA private key from PEM: PKCS#8 ("PRIVATE KEY",
// what openssl genpkey and req -newkey write) or PKCS#1 ("RSA PRIVATE KEY").
// The error never quotes the input.
func ParsePrivateKey(pemBytes []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("no PEM block found")
	}
	if x509.IsEncryptedPEMBlock(block) { //nolint:staticcheck // only detected, never decrypted
		return nil, errors.New("the key is encrypted with a passphrase")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		return x509.ParsePKCS1PrivateKey(block.Bytes)
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, err
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, errors.New("the key is not an RSA key (Salesforce signs with RS256)")
		}
		return rk, nil
	case "ENCRYPTED PRIVATE KEY":
		return nil, errors.New("the key is encrypted with a passphrase")
	}
	return nil, fmt.Errorf("the PEM block is a %q, not a private key", block.Type)
}

// SignJWT returns the RS256 assertion of the JWT bearer flow: iss the
// consumer key, sub the username, aud the login audience, exp now+JWTLifetime.
func SignJWT(key *rsa.PrivateKey, clientID, username, audience string, now time.Time) (string, error) {
	enc := func(v any) (string, error) {
		b, err := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b), err
	}
	h, err := enc(map[string]string{"alg": "RS256"})
	if err != nil {
		return "", err
	}
	c, err := enc(map[string]any{"iss": clientID, "sub": username, "aud": audience, "exp": now.Add(JWTLifetime).Unix()})
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(h + "." + c))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("sign the assertion: %w", err)
	}
	return h + "." + c + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// JWTBearer exchanges a signed assertion at tokenHost (the login host or
// My Domain). Salesforce's refusals are *ExchangeError (invalid_grant
// "audience is invalid", "user hasn't approved this consumer", "invalid
// assertion"; invalid_client_id "client identifier invalid").
func JWTBearer(ctx context.Context, hc *http.Client, tokenHost, assertion string) (*Result, error) {
	base, err := checkLoginURL(tokenHost)
	if err != nil {
		return nil, fmt.Errorf("jwt bearer: %w", err)
	}
	res, err := postToken(ctx, hc, base, url.Values{"grant_type": {GrantJWTBearer}, "assertion": {assertion}})
	if err != nil {
		return nil, fmt.Errorf("jwt bearer: %w", err)
	}
	return res, nil
}

// ClientCredentials runs the client-credentials grant at myDomain. The
// secret goes in the form body, never in a URL.
func ClientCredentials(ctx context.Context, hc *http.Client, myDomain, clientID, secret string) (*Result, error) {
	base, err := checkLoginURL(myDomain)
	if err != nil {
		return nil, fmt.Errorf("client credentials: %w", err)
	}
	res, err := postToken(ctx, hc, base, url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret}})
	if err != nil {
		return nil, fmt.Errorf("client credentials: %w", err)
	}
	return res, nil
}

// NewKeyPair generates what the JWT bearer flow needs: a 2048-bit RSA
// private key (PKCS#8 PEM, the CI secret) and a self-signed X.509
// certificate of it (PEM, uploaded to the External Client App), valid
// from now for validity.
func NewKeyPair(commonName string, validity time.Duration) (keyPEM, certPEM []byte, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: commonName},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(validity),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	p8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8}),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}
