package service

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/tokenstore"
)

func TestLockBusyAndWait(t *testing.T) {
	svc, err := NewService(t.TempDir(), tokenstore.NewMemory())
	require.NoError(t, err)
	k := connector.Key{System: "Lightning", Environment: connector.Sandbox}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	conn, err := svc.Registry.Upsert(k, nil)
	require.NoError(t, err)
	prod, err := svc.Registry.Upsert(connector.Key{System: "Lightning", Environment: connector.Production}, nil)
	require.NoError(t, err)
	unlock, err := svc.Lock(ctx, conn, "publish", false)
	require.NoError(t, err)

	// a second Service on the same config dir (like connectorctl) is refused
	other, err := NewService(svc.Registry.Dir(), tokenstore.NewMemory())
	require.NoError(t, err)
	same, err := other.Registry.Get(connector.Key{System: "LIGHTNING", Environment: connector.Sandbox})
	require.NoError(t, err)
	_, err = other.Lock(ctx, same, "publish", false)
	p := connector.AsProblem(err)
	require.Equal(t, connector.CodeBusy, p.Code)
	assert.Contains(t, p.Message, "A publish to Lightning/Sandbox is already running (in this window or in connectorctl)")

	// other purposes and other connectors are independent
	u2, err := other.Lock(ctx, conn, "refresh", false)
	require.NoError(t, err)
	u2()
	u3, err := other.Lock(ctx, prod, "publish", false)
	require.NoError(t, err)
	u3()

	// wait=true gives up when the context ends
	short, cancelShort := context.WithTimeout(ctx, 80*time.Millisecond)
	defer cancelShort()
	_, err = other.Lock(short, conn, "publish", true)
	assert.Equal(t, connector.CodeTimeout, connector.AsProblem(err).Code)

	// and gets it once released
	got := make(chan error, 1)
	go func() {
		u, err := other.Lock(ctx, conn, "publish", true)
		if err == nil {
			u()
		}
		got <- err
	}()
	unlock()
	require.NoError(t, <-got)
}

func TestSessionWithoutTokens(t *testing.T) {
	svc, err := NewService(t.TempDir(), tokenstore.NewMemory())
	require.NoError(t, err)
	k := connector.Key{System: "Lightning", Environment: connector.Sandbox}
	_, _, err = svc.Session(context.Background(), k)
	assert.Equal(t, connector.CodeNotFound, connector.AsProblem(err).Code)

	_, err = svc.Registry.Upsert(k, nil)
	require.NoError(t, err)
	_, _, err = svc.Session(context.Background(), k)
	p := connector.AsProblem(err)
	assert.Equal(t, connector.CodeNotAuthorized, p.Code)
	assert.Equal(t, "Lightning/Sandbox is not authorized yet. Click Authorize (or run connectorctl authorize Lightning/Sandbox).", p.Error())
}

type failingStore struct{ *tokenstore.Memory }

func (*failingStore) Load(string) (*tokenstore.Tokens, error) {
	return nil, &tokenstore.UnavailableError{Op: "load", Reason: "The keyring is locked.", Fix: "Unlock it."}
}

func TestSessionKeyringError(t *testing.T) {
	svc, err := NewService(t.TempDir(), &failingStore{tokenstore.NewMemory()})
	require.NoError(t, err)
	k := connector.Key{System: "Lightning", Environment: connector.Sandbox}
	_, err = svc.Registry.Upsert(k, func(c *connector.Connector) error {
		c.Org = &connector.OrgInfo{OrgID: "00D000000000001AAA", IsSandbox: true}
		return nil
	})
	require.NoError(t, err)
	_, _, err = svc.Session(context.Background(), k)
	p := connector.AsProblem(err)
	assert.Equal(t, connector.CodeKeyring, p.Code)
	assert.Equal(t, "The keyring is locked.", p.Message)
	assert.Equal(t, "Unlock it.", p.Fix)
}
