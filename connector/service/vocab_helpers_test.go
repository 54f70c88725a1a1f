package service

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/salesforce"
)

// apiErr and newTestRegistry are the vocabulary tests' helpers (package
// connector), for the tests of the façade.
func apiErr(status int, code, msg string) error {
	return fmt.Errorf("query: %w", &salesforce.APIError{StatusCode: status, ErrorCode: code, Message: msg, Method: "GET", Path: "/services/data/v63.0/query"})
}

func newTestRegistry(t *testing.T) *connector.Registry {
	t.Helper()
	r, err := connector.OpenRegistry(t.TempDir())
	require.NoError(t, err)
	return r
}
