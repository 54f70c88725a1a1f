package service

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/backup"
	"github.com/connectors-app/connectors/connector/publish"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/connector/tokenstore"
)

// holdFirstAPIRequest makes the org hold the first REST request it gets
// (a publish's lookup, sent under the publish lock) until release is
// closed; entered is closed when it arrives.
func holdFirstAPIRequest(org *sfsim.Org) (entered, release chan struct{}) {
	entered, release = make(chan struct{}), make(chan struct{})
	var first atomic.Bool
	org.OnRequest(func(r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/services/data") && first.CompareAndSwap(false, true) {
			close(entered)
			<-release
		}
	})
	return entered, release
}

func waitClosed(t *testing.T, ctx context.Context, ch chan struct{}) {
	t.Helper()
	select {
	case <-ch:
	case <-ctx.Done():
		t.Fatal("gave up waiting")
	}
}

// TestRestoreAfterRenameFindsTheBackups: after a rename the backups
// follow the connector's ID: listed and restored under the new name, in
// the folder of the new name.
func TestRestoreAfterRenameFindsTheBackups(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	v1, v2 := versionBundle(t, 1), versionBundle(t, 2)
	requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)
	requireOK(t, f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{}), publish.OutcomeUpdated)
	before, err := f.svc.Backups(f.k, "")
	require.NoError(t, err)
	require.Len(t, before, 1)

	c, err := f.svc.Registry.Rename(f.k, "Gamma")
	require.NoError(t, err)
	gamma := c.Key()
	list, err := f.svc.Backups(gamma, "")
	require.NoError(t, err)
	require.Len(t, list, 1, "the backup of Lightning is Gamma's")
	assert.Equal(t, filepath.Base(before[0].Path), filepath.Base(list[0].Path))
	assert.Equal(t, filepath.Join(f.svc.BackupDir, connector.LockName(gamma)+"-"+c.ID, "walkme_content"), filepath.Dir(list[0].Path), "the folder is named after the new name")
	assert.NoDirExists(t, filepath.Join(f.svc.BackupDir, connector.LockName(f.k)+"-"+c.ID))

	res := f.svc.Restore(ctx, gamma, publish.RestoreOptions{})
	requireOK(t, res, publish.OutcomeUpdated)
	assert.Equal(t, v1.Bytes(), requireOneResource(t, f.org, connector.DefaultResourceName).Body)
}

// TestBackupsOfEarlierNamesAreTakenOver: folders of the same ID under
// earlier names (an older version created a new one after each rename)
// give their backups to the current folder, and keep what is not theirs;
// while a publish holds the connector's lock they are read, not moved.
func TestBackupsOfEarlierNamesAreTakenOver(t *testing.T) {
	svc := newTestService(t)
	acme := connector.Key{System: "Acme", Environment: connector.Sandbox}
	_, err := svc.Registry.Upsert(acme, nil)
	require.NoError(t, err)
	c, err := svc.Registry.Rename(acme, "Beta")
	require.NoError(t, err)
	beta := c.Key()
	c, err = svc.Registry.Rename(beta, "Gamma")
	require.NoError(t, err)
	gamma := c.Key()

	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	lay := func(k connector.Key, n int) string {
		dir := filepath.Join(svc.BackupDir, connector.LockName(k)+"-"+c.ID, "walkme_content")
		require.NoError(t, os.MkdirAll(dir, 0o700))
		st := &backup.Store{Dir: dir}
		for range n {
			at = at.Add(time.Minute)
			require.NoError(t, os.WriteFile(st.NewPath(at, "")+".zip", []byte("PK"), 0o600))
		}
		return dir
	}
	acmeDir := lay(acme, 2)
	require.NoError(t, os.WriteFile(filepath.Join(acmeDir, "notes.zip"), []byte("mine"), 0o600))

	// A publish holds the lock: the earlier folder is read as it is.
	other, err := NewService(svc.Registry.Dir(), svc.Tokens)
	require.NoError(t, err)
	unlock, err := other.Lock(testCtx(t), c, "publish", false)
	require.NoError(t, err)
	list, err := svc.Backups(gamma, "")
	require.NoError(t, err)
	assert.Len(t, list, 2)
	assert.DirExists(t, acmeDir, "not moved under a publish")
	unlock()

	lay(beta, 1)
	gammaDir := lay(gamma, 1)
	list, err = svc.Backups(gamma, "")
	require.NoError(t, err)
	assert.Len(t, list, 4, "Acme's 2, Beta's and Gamma's")
	for _, b := range list {
		assert.Equal(t, gammaDir, filepath.Dir(b.Path))
	}
	assert.FileExists(t, filepath.Join(acmeDir, "notes.zip"), "not a backup: left where it was")
	assert.NoDirExists(t, filepath.Join(svc.BackupDir, connector.LockName(beta)+"-"+c.ID), "emptied: removed")
}

// TestRenameWaitsForAPublishInFlight: two Services on one config folder
// (the window and connectorctl). While a publish to Lightning runs, the
// other cannot rename it (the publish would end under a name that is gone)
// nor publish to it; once it ends, the rename goes through and a publish
// under the new name takes the same lock.
func TestRenameWaitsForAPublishInFlight(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	other, err := NewService(f.svc.Registry.Dir(), f.svc.Tokens)
	require.NoError(t, err)
	other.BackupDir, other.AllowInsecureLoopback = f.svc.BackupDir, true
	entered, release := holdFirstAPIRequest(f.org)
	done := make(chan publish.PublishResult, 1)
	go func() { done <- f.svc.Publish(ctx, f.k, versionBundle(t, 1), publish.PublishOptions{}) }()
	waitClosed(t, ctx, entered)

	_, err = other.Registry.Rename(f.k, "Gamma")
	p := connector.AsProblem(err)
	require.NotNil(t, p, "renamed during the publish")
	assert.Equal(t, connector.CodeBusy, p.Code)
	assert.Equal(t, "A publish to Lightning/Sandbox is already running (in this window or in connectorctl). Wait for it to finish, then try again.", p.Error())
	requireFailed(t, other.Publish(ctx, f.k, versionBundle(t, 2), publish.PublishOptions{}), connector.CodeBusy)

	close(release)
	requireOK(t, <-done, publish.OutcomeCreated)
	c, err := other.Registry.Get(f.k)
	require.NoError(t, err)
	require.NotNil(t, c.LastPublish, "the publish is on record under the name it ran with")

	c, err = other.Registry.Rename(f.k, "Gamma")
	require.NoError(t, err)
	requireOK(t, other.Publish(ctx, c.Key(), versionBundle(t, 2), publish.PublishOptions{}), publish.OutcomeUpdated)
}

// TestPublishLockIsTheConnectorsAcrossProcesses: a process that resolved
// the connector under its old name (Lightning) before a rename, and a
// publish under the new name (Gamma) in this process, take one lock: the
// connector's ID. The other process is refused as busy.
func TestPublishLockIsTheConnectorsAcrossProcesses(t *testing.T) {
	if dir := os.Getenv("LOCK_CHILD_DIR"); dir != "" {
		lockChild(dir)
		return
	}
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run", "^TestPublishLockIsTheConnectorsAcrossProcesses$")
	cmd.Env = append(os.Environ(), "LOCK_CHILD_DIR="+f.svc.Registry.Dir())
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	lines := bufio.NewScanner(stdout)
	require.True(t, lines.Scan())
	require.Equal(t, "prepared", lines.Text(), "the child resolved Lightning")

	c, err := f.svc.Registry.Rename(f.k, "Gamma")
	require.NoError(t, err)
	entered, release := holdFirstAPIRequest(f.org)
	done := make(chan publish.PublishResult, 1)
	go func() { done <- f.svc.Publish(ctx, c.Key(), versionBundle(t, 1), publish.PublishOptions{}) }()
	waitClosed(t, ctx, entered)

	_, err = fmt.Fprintln(stdin, "begin")
	require.NoError(t, err)
	require.True(t, lines.Scan())
	assert.Equal(t, connector.CodeBusy, lines.Text(), "the child's publish under the old name waits for the one under the new name")
	close(release)
	requireOK(t, <-done, publish.OutcomeCreated)
	require.NoError(t, cmd.Wait())
}

// lockChild resolves Lightning/Sandbox in dir, says "prepared", waits for a
// line, then takes the publish lock as a publish does and prints the
// outcome's code ("ok" when it got the lock).
func lockChild(dir string) {
	svc, err := NewService(dir, tokenstore.NewMemory())
	if err != nil {
		os.Exit(3)
	}
	r, err := svc.Prepare(connector.Key{System: "Lightning", Environment: connector.Sandbox})
	if err != nil {
		fmt.Println(connector.AsProblem(err).Code)
		os.Exit(0)
	}
	fmt.Println("prepared")
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	unlock, err := r.Lock(context.Background())
	if err != nil {
		fmt.Println(connector.AsProblem(err).Code)
		os.Exit(0)
	}
	unlock()
	fmt.Println("ok")
	os.Exit(0)
}
