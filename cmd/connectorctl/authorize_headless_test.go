package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/connectors-app/connectors/connector"
)

func TestClientCredentialsRefusesTheGenericLoginHosts(t *testing.T) {
	c := newCLI(t)
	c.env[connector.ClientSecretEnv] = "s3cret"
	for _, host := range []string{"https://login.salesforce.com", "test.salesforce.com"} {
		env := "Production"
		if strings.Contains(host, "test") {
			env = "Sandbox"
		}
		r := c.run("authorize", "Acme/"+env, "--client-credentials", "--client-id", "K", "--login-url", host)
		assert.Equal(t, exitUsage, r.code, r.stderr)
		assert.Contains(t, r.stderr, "My Domain")
	}
	r := c.run("authorize", "Acme/Production", "--client-credentials", "--client-id", "K")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "--login-url")
	_, err := c.registry().Get(connector.Key{System: "Acme", Environment: connector.Production})
	assert.Equal(t, connector.CodeNotFound, connector.AsProblem(err).Code, "nothing recorded")
}
