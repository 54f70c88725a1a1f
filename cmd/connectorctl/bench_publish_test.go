package main

// The whole-process publish against the jsforce way, at the same latency
// and with the same bundles:
//
//	.ci/test-env go test -run '^$' -bench PublishVsJsforce -benchmem ./cmd/connectorctl/
//
// connectorctl: `connectorctl publish bundle.zip SYSTEM/ENV` in-process
// (registry, token store, bundle check and fingerprint, session, publish,
// backup, record). jsforce: what a jsforce script does to publish a ZIP
// (read the file, `query` for the Id, then `sobject.update` with the
// base64 Body in JSON, uncompressed). Each iteration publishes the other
// of two 2 MB versions, so every publish changes the resource. Metrics:
// wire-bytes/op (request and response bodies on the wire, as sfsim counted
// them) and requests/op.

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/connector/tokenstore"
)

const benchLatency = 50 * time.Millisecond

// benchZip writes a content bundle of about size bytes: text files of
// pseudo-random words, deflated, as a WalkMe bundle is. version changes
// one file.
func benchZip(tb testing.TB, dir string, size, version int) string {
	tb.Helper()
	rng := mrand.New(mrand.NewPCG(42, 7))
	words := []string{"function", "var", "return", "walkme", "player", "step", "this", "null", "if", "else",
		"document", "window", "style", "display", "none", "true", "false", "click", "element", "selector"}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; buf.Len() < size; i++ {
		var sb strings.Builder
		for sb.Len() < 16<<10 {
			w := words[rng.IntN(len(words))]
			if rng.IntN(3) == 0 {
				w = strconv.FormatUint(rng.Uint64(), 36)
			}
			sb.WriteString(w)
			sb.WriteByte(" \n"[rng.IntN(2)])
		}
		if i == 0 {
			fmt.Fprintf(&sb, "// version %d\n", version)
		}
		w, err := zw.Create(fmt.Sprintf("content/file%04d.js", i))
		if err != nil {
			tb.Fatal(err)
		}
		_, _ = w.Write([]byte(sb.String()))
		_ = zw.Flush()
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	p := filepath.Join(dir, fmt.Sprintf("bundle-v%d.zip", version))
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}

// benchTokens runs the OAuth code exchange (PKCE) against org.
func benchTokens(tb testing.TB, org *sfsim.Org, redirect string) (access, refresh, instance string) {
	tb.Helper()
	ctx := context.Background()
	vb := make([]byte, 32)
	_, _ = rand.Read(vb)
	verifier := base64.RawURLEncoding.EncodeToString(vb)
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{
		"response_type": {"code"}, "client_id": {connector.DefaultClientID}, "redirect_uri": {redirect},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
		"state": {"s1"}, "scope": {"api refresh_token"},
	}
	loc, err := org.PlayUser(ctx, org.LoginURL()+"/services/oauth2/authorize?"+q.Encode(), true)
	if err != nil {
		tb.Fatal(err)
	}
	lu, _ := url.Parse(loc)
	form := url.Values{
		"grant_type": {"authorization_code"}, "code": {lu.Query().Get("code")}, "client_id": {connector.DefaultClientID},
		"redirect_uri": {redirect}, "code_verifier": {verifier},
	}
	resp, err := http.PostForm(org.LoginURL()+"/services/oauth2/token", form)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		InstanceURL  string `json:"instance_url"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		tb.Fatalf("token exchange: %v", err)
	}
	return tok.AccessToken, tok.RefreshToken, tok.InstanceURL
}

// wire sums the instance requests' body bytes both ways, and counts them.
func wire(org *sfsim.Org) (bytes int64, requests int) {
	for _, r := range org.Requests() {
		if r.Host == "instance" {
			bytes += r.BytesIn + r.BytesOut
			requests++
		}
	}
	return bytes, requests
}

// jsforcePublish is the jsforce sequence: query, then update (or create).
func jsforcePublish(ctx context.Context, hc *http.Client, instance, access, zipPath string) error {
	body, err := os.ReadFile(zipPath)
	if err != nil {
		return err
	}
	call := func(method, path string, payload []byte) ([]byte, int, error) {
		var rd io.Reader
		if payload != nil {
			rd = bytes.NewReader(payload)
		}
		req, err := http.NewRequestWithContext(ctx, method, instance+path, rd)
		if err != nil {
			return nil, 0, err
		}
		req.Header.Set("Authorization", "Bearer "+access)
		if payload != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := hc.Do(req)
		if err != nil {
			return nil, 0, err
		}
		defer resp.Body.Close()
		out, err := io.ReadAll(resp.Body)
		return out, resp.StatusCode, err
	}
	soql := "SELECT Id FROM StaticResource WHERE Name = '" + connector.DefaultResourceName + "'"
	raw, status, err := call(http.MethodGet, "/services/data/v63.0/query?q="+url.QueryEscape(soql), nil)
	if err != nil || status != http.StatusOK {
		return fmt.Errorf("query: %d %w", status, err)
	}
	var q struct {
		Records []struct{ Id string } //nolint:revive // the field name on the wire
	}
	if err := json.Unmarshal(raw, &q); err != nil {
		return err
	}
	rec := map[string]string{"Body": base64.StdEncoding.EncodeToString(body)}
	if len(q.Records) == 0 {
		rec["Name"], rec["ContentType"], rec["CacheControl"] = connector.DefaultResourceName, "application/zip", "Private"
		payload, _ := json.Marshal(rec)
		_, status, err = call(http.MethodPost, "/services/data/v63.0/sobjects/StaticResource/", payload)
		if err != nil || status != http.StatusCreated {
			return fmt.Errorf("create: %d %w", status, err)
		}
		return nil
	}
	payload, _ := json.Marshal(rec)
	_, status, err = call(http.MethodPatch, "/services/data/v63.0/sobjects/StaticResource/"+q.Records[0].Id, payload)
	if err != nil || status != http.StatusNoContent {
		return fmt.Errorf("update: %d %w", status, err)
	}
	return nil
}

func BenchmarkPublishVsJsforce(b *testing.B) {
	const redirect = "http://localhost:1717" + connector.CallbackPath
	dir := b.TempDir()
	zips := []string{benchZip(b, dir, 2<<20, 1), benchZip(b, dir, 2<<20, 2)}

	b.Run("connectorctl", func(b *testing.B) {
		org, err := sfsim.Start(sfsim.Options{Sandbox: true, Callbacks: map[string][]string{connector.DefaultClientID: {redirect}}})
		if err != nil {
			b.Fatal(err)
		}
		defer org.Close()
		access, refresh, instance := benchTokens(b, org, redirect)
		cfg := b.TempDir()
		reg, err := connector.OpenRegistry(cfg)
		if err != nil {
			b.Fatal(err)
		}
		k := connector.Key{System: "Bench", Environment: connector.Sandbox}
		cn, err := reg.Upsert(k, func(c *connector.Connector) error {
			c.LoginURL = org.LoginURL()
			c.Org = &connector.OrgInfo{OrgID: org.OrgID(), OrgName: "Bench", InstanceURL: instance, Username: org.Username(),
				UserID: org.UserID(), IsSandbox: true, AuthorizedAt: time.Now()}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		tokens := tokenstore.NewMemory()
		if err := tokens.Save(cn.TokenKey(), &tokenstore.Tokens{AccessToken: access, RefreshToken: refresh, InstanceURL: instance,
			IssuedAt: time.Now(), OrgID: org.OrgID(), LoginURL: org.LoginURL(), ClientID: connector.DefaultClientID}); err != nil {
			b.Fatal(err)
		}
		publish := func(zipPath string) {
			var out, errOut bytes.Buffer
			f := newFactory(&ioStreams{In: nilReader{}, Out: &out, ErrOut: &errOut})
			f.getenv = func(key string) string {
				if key == connector.ConfigDirEnv {
					return cfg
				}
				return ""
			}
			f.newTokens = func() tokenstore.Store { return tokens }
			if code := run(context.Background(), []string{"publish", zipPath, "Bench/Sandbox"}, f); code != 0 {
				b.Fatalf("publish exited %d: %s%s", code, out.String(), errOut.String())
			}
		}
		publish(zips[1]) // the resource exists: every publish below is a change
		org.SetLatency(benchLatency)
		org.ResetRequests()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			publish(zips[i%2])
		}
		b.StopTimer()
		n, reqs := wire(org)
		b.ReportMetric(float64(n)/float64(b.N), "wire-bytes/op")
		b.ReportMetric(float64(reqs)/float64(b.N), "requests/op")
	})

	b.Run("jsforce", func(b *testing.B) {
		org, err := sfsim.Start(sfsim.Options{Sandbox: true, Callbacks: map[string][]string{connector.DefaultClientID: {redirect}}})
		if err != nil {
			b.Fatal(err)
		}
		defer org.Close()
		access, _, instance := benchTokens(b, org, redirect)
		hc := &http.Client{}
		ctx := context.Background()
		if err := jsforcePublish(ctx, hc, instance, access, zips[1]); err != nil {
			b.Fatal(err)
		}
		org.SetLatency(benchLatency)
		org.ResetRequests()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if err := jsforcePublish(ctx, hc, instance, access, zips[i%2]); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		n, reqs := wire(org)
		b.ReportMetric(float64(n)/float64(b.N), "wire-bytes/op")
		b.ReportMetric(float64(reqs)/float64(b.N), "requests/op")
	})
}
