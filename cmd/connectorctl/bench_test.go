package main

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
)

// BenchmarkList50 runs `connectorctl list` in-process against a config
// folder holding 50 authorized connectors (target: under 20 ms).
func BenchmarkList50(b *testing.B) {
	dir := b.TempDir()
	reg, err := connector.OpenRegistry(dir)
	require.NoError(b, err)
	now := time.Now()
	for i := range 50 {
		env := connector.Environments[i%3]
		k := connector.Key{System: fmt.Sprintf("System%02d", i), Environment: env}
		_, err := reg.Upsert(k, func(c *connector.Connector) error {
			c.Org = &connector.OrgInfo{OrgID: "00D000000000001AAA", OrgName: "Org " + k.String(), InstanceURL: "https://x.my.salesforce.com", Username: "admin@example.com", IsSandbox: env != connector.Production, AuthorizedAt: now}
			c.LastState = connector.StateConnected
			c.LastCheck = &now
			c.LastPublish = &connector.PublishRecord{At: now, Resource: "WalkMe_Content", ResourceID: "081000000000001AAA", Fingerprint: "sha256:00", Size: 1234}
			return nil
		})
		require.NoError(b, err)
	}
	for _, args := range [][]string{{"list"}, {"list", "--json"}} {
		b.Run(args[len(args)-1], func(b *testing.B) {
			for b.Loop() {
				f := newFactory(&ioStreams{In: nilReader{}, Out: io.Discard, ErrOut: io.Discard})
				f.configDir = dir
				f.newTokens = nil // list must not need the keyring
				if code := run(context.Background(), append([]string{"--config-dir", dir}, args...), f); code != 0 {
					b.Fatalf("list exited %d", code)
				}
			}
		})
	}
}

type nilReader struct{}

func (nilReader) Read([]byte) (int, error) { return 0, io.EOF }
