package oauth

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector/sfsim"
)

// BenchmarkFlowSimulated measures one whole authorization against the
// simulated org without a browser: bind both loopbacks, scripted login and
// Allow, the redirect to the loopback server, the code exchange, the result
// page and the shutdown.
func BenchmarkFlowSimulated(b *testing.B) {
	org, err := sfsim.Start(sfsim.Options{})
	require.NoError(b, err)
	defer org.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	b.ReportAllocs()
	for b.Loop() {
		var f *Flow
		for range 5 {
			port := freePort(b)
			org.RegisterCallback(DefaultClientID, "http://localhost:"+strconv.Itoa(port)+DefaultCallbackPath)
			if f, err = Start(ctx, Config{LoginURL: org.LoginURL(), Ports: []int{port}}); err == nil {
				break
			}
		}
		require.NoError(b, err)
		redirect, err := org.PlayUser(ctx, f.URL(), true)
		require.NoError(b, err)
		final, _, _ := browse(b, ctx, redirect)
		require.Equal(b, "/OauthSuccess", final.Path)
		_, err = f.Wait(ctx)
		require.NoError(b, err)
	}
}
