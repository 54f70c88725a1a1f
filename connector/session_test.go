package connector

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector/tokenstore"
)

func TestLockBusyAndWait(t *testing.T) {
	svc, err := NewService(t.TempDir(), tokenstore.NewMemory())
	require.NoError(t, err)
	k := Key{System: "Lightning", Environment: Sandbox}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	conn, err := svc.Registry.Upsert(k, nil)
	require.NoError(t, err)
	prod, err := svc.Registry.Upsert(Key{System: "Lightning", Environment: Production}, nil)
	require.NoError(t, err)
	unlock, err := svc.lock(ctx, conn, "publish", false)
	require.NoError(t, err)

	// a second Service on the same config dir (like connectorctl) is refused
	other, err := NewService(svc.Registry.Dir(), tokenstore.NewMemory())
	require.NoError(t, err)
	same, err := other.Registry.Get(Key{System: "LIGHTNING", Environment: Sandbox})
	require.NoError(t, err)
	_, err = other.lock(ctx, same, "publish", false)
	p := AsProblem(err)
	require.Equal(t, CodeBusy, p.Code)
	assert.Contains(t, p.Message, "A publish to Lightning/Sandbox is already running (in this window or in connectorctl)")

	// other purposes and other connectors are independent
	u2, err := other.lock(ctx, conn, "refresh", false)
	require.NoError(t, err)
	u2()
	u3, err := other.lock(ctx, prod, "publish", false)
	require.NoError(t, err)
	u3()

	// wait=true gives up when the context ends
	short, cancelShort := context.WithTimeout(ctx, 80*time.Millisecond)
	defer cancelShort()
	_, err = other.lock(short, conn, "publish", true)
	assert.Equal(t, CodeTimeout, AsProblem(err).Code)

	// and gets it once released
	got := make(chan error, 1)
	go func() {
		u, err := other.lock(ctx, conn, "publish", true)
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
	k := Key{System: "Lightning", Environment: Sandbox}
	_, _, err = svc.session(context.Background(), k)
	assert.Equal(t, CodeNotFound, AsProblem(err).Code)

	_, err = svc.Registry.Upsert(k, nil)
	require.NoError(t, err)
	_, _, err = svc.session(context.Background(), k)
	p := AsProblem(err)
	assert.Equal(t, CodeNotAuthorized, p.Code)
	assert.Equal(t, "Lightning/Sandbox is not authorized yet. Click Authorize (or run connectorctl authorize Lightning/Sandbox).", p.Error())
}

type failingStore struct{ *tokenstore.Memory }

func (*failingStore) Load(string) (*tokenstore.Tokens, error) {
	return nil, &tokenstore.UnavailableError{Op: "load", Reason: "The keyring is locked.", Fix: "Unlock it."}
}

func TestSessionKeyringError(t *testing.T) {
	svc, err := NewService(t.TempDir(), &failingStore{tokenstore.NewMemory()})
	require.NoError(t, err)
	k := Key{System: "Lightning", Environment: Sandbox}
	_, err = svc.Registry.Upsert(k, func(c *Connector) error { c.Org = &OrgInfo{OrgID: "00D000000000001AAA", IsSandbox: true}; return nil })
	require.NoError(t, err)
	_, _, err = svc.session(context.Background(), k)
	p := AsProblem(err)
	assert.Equal(t, CodeKeyring, p.Code)
	assert.Equal(t, "The keyring is locked.", p.Message)
	assert.Equal(t, "Unlock it.", p.Fix)
}
