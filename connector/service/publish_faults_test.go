package service

// Transient faults and refusals around a publish: read retries, request
// limits, the org's own storage limit, a session revoked before the read-back.

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/publish"
	"github.com/connectors-app/connectors/connector/salesforce"
	"github.com/connectors-app/connectors/connector/sfsim"
)

const queryPath = "/services/data/" + salesforce.APIVersion + "/query"

// queryStatuses lists the statuses sfsim logged for the lookup queries.
func queryStatuses(org *sfsim.Org) []int {
	var out []int
	for _, r := range org.Requests() {
		if r.Host == "instance" && r.Method == http.MethodGet && strings.HasPrefix(r.Path, queryPath) {
			out = append(out, r.Status)
		}
	}
	return out
}

func TestPublishLookupRetried(t *testing.T) {
	tests := []struct {
		name  string
		fault sfsim.Fault
	}{
		{"503 without Retry-After", sfsim.Fault{Status: http.StatusServiceUnavailable}},
		{"500", sfsim.Fault{Status: http.StatusInternalServerError}},
		{"429 without Retry-After", sfsim.Fault{Status: http.StatusTooManyRequests}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newPublishFixture(t, sfsim.Options{})
			v1 := versionBundle(t, 1)
			f.org.ResetRequests()
			// Given one failure on the first lookup query.
			tt.fault.Method, tt.fault.PathPrefix = http.MethodGet, queryPath
			f.org.FailNextWith(1, tt.fault)
			res := f.svc.Publish(testCtx(t), f.k, v1, publish.PublishOptions{})
			requireOK(t, res, publish.OutcomeCreated)
			assert.Equal(t, []int{tt.fault.Status, http.StatusOK}, queryStatuses(f.org), "the lookup was tried again")
			assert.Equal(t, 3, res.Requests, "lookup (failed) + lookup + POST")
			assert.Equal(t, v1.Bytes(), requireOneResource(t, f.org, connector.DefaultResourceName).Body)
		})
	}
}

func TestPublishRetryAfterBounded(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	f.org.ResetRequests()
	// Given maintenance that asks to come back in an hour: no retry, no wait.
	f.org.FailNextWith(5, sfsim.Fault{Method: http.MethodGet, PathPrefix: queryPath, Status: http.StatusServiceUnavailable, RetryAfter: "3600"})
	res := f.svc.Publish(testCtx(t), f.k, versionBundle(t, 1), publish.PublishOptions{})
	requireFailed(t, res, connector.CodeMaintenance)
	assert.Equal(t, []int{http.StatusServiceUnavailable}, queryStatuses(f.org), "one request: Salesforce asked for longer than the cap")
	assert.Equal(t, 1, res.Requests)
	assert.Empty(t, f.org.Resources())
}

func TestPublishRequestLimits(t *testing.T) {
	tests := []struct {
		name    string
		fault   sfsim.Fault
		code    string
		message string
		fix     string
	}{
		{"daily budget", sfsim.Fault{Status: http.StatusForbidden, Limit: sfsim.LimitDaily},
			connector.CodeRequestLimit, "daily API requests", "resets over 24 hours"},

		{"concurrency, 429", sfsim.Fault{Status: http.StatusTooManyRequests, RetryAfter: "3600"},
			connector.CodeConcurrencyLimit, "at the same time", "Wait a minute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newPublishFixture(t, sfsim.Options{})
			tt.fault.PathPrefix = resourcesPath
			f.org.FailNextWith(1, tt.fault)
			res := f.svc.Publish(testCtx(t), f.k, versionBundle(t, 1), publish.PublishOptions{})
			requireFailed(t, res, tt.code)
			assert.Contains(t, res.Problem.Message, tt.message)
			assert.Contains(t, res.Problem.Fix, tt.fix)
			if tt.code == connector.CodeConcurrencyLimit {
				assert.NotContains(t, res.Problem.Error(), "daily")
				assert.NotContains(t, res.Problem.Error(), "24 hours")
			}
			assert.Equal(t, 1, res.Requests, "refusals over the cap or of the budget are not retried")
			assert.Empty(t, f.org.Resources())
		})
	}
}

// The concurrency limit passes by itself: a 403 REQUEST_LIMIT_EXCEEDED
// "ConcurrentPerOrgLongTxn" is retried with backoff (bounded), unlike the
// daily budget. Regression: it failed the publish at the first refusal.
func TestPublishRetriesTheConcurrencyLimit(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	f.org.FailNextWith(1, sfsim.Fault{PathPrefix: resourcesPath, Status: http.StatusForbidden, Limit: sfsim.LimitConcurrent})
	res := f.svc.Publish(testCtx(t), f.k, versionBundle(t, 1), publish.PublishOptions{})
	require.Nil(t, res.Problem)
	assert.Equal(t, publish.OutcomeCreated, res.Outcome)

	// Refused every time: bounded retries, then the plain message.
	g := newPublishFixture(t, sfsim.Options{})
	g.org.FailNextWith(10, sfsim.Fault{PathPrefix: resourcesPath, Status: http.StatusForbidden, Limit: sfsim.LimitConcurrent})
	res = g.svc.Publish(testCtx(t), g.k, versionBundle(t, 1), publish.PublishOptions{})
	requireFailed(t, res, connector.CodeConcurrencyLimit)
	assert.Contains(t, res.Problem.Message, "at the same time")
	assert.Equal(t, 3, res.Requests, "three attempts, then it gives up")
	assert.Empty(t, g.org.Resources())
}

func TestPublishOrgStorageLimitFromTheOrg(t *testing.T) {
	// Given an org whose own limit (64 KB) is far below the documented 250
	// MB, and whose other resources leave less room than the bundle needs.
	f := newPublishFixture(t, sfsim.Options{MaxOrgStorage: 64 * 1024})
	f.org.PutResource(sfsim.Resource{Name: "Other", ContentType: "text/plain", CacheControl: "Public", Body: make([]byte, 64*1024-100)})
	res := f.svc.Publish(testCtx(t), f.k, versionBundle(t, 1), publish.PublishOptions{})
	requireFailed(t, res, connector.CodeOrgStorageFull)
	assert.Contains(t, res.Problem.Message, "64 KB", "names the org's limit")
	assert.NotContains(t, res.Problem.Error(), "250")
	assert.Equal(t, 1, countRequests(f.org, http.MethodPost, "/sobjects/StaticResource"), "a refusal is not posted again")
	assert.Len(t, f.org.Resources(), 1)
}
