package update

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// feed is a local release feed that answers body with status, after delay.
func feed(t *testing.T, status int, body string, delay time.Duration) *httptest.Server {
	t.Helper()
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(delay):
		case <-stop:
			return
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(func() {
		close(stop)
		srv.Close()
	})
	return srv
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newChecker(t *testing.T, feedURL string) (*Checker, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
	return &Checker{Feed: feedURL, StateFile: filepath.Join(t.TempDir(), "cache", "update-check.json"), Now: c.now}, c
}

// TestCheckAndNotice: a newer release is noticed once a day; the same
// version, a garbage answer, an error status, a dead feed and one slower
// than the timeout give no notice and keep the last good answer.
func TestCheckAndNotice(t *testing.T) {
	newer := feed(t, 200, `{"tag_name":"v1.5.0","html_url":"https://github.com/connectors-app/connectors/releases/tag/v1.5.0","assets":[]}`, 0)
	c, clk := newChecker(t, newer.URL)
	require.True(t, c.Due(), "never checked: due")
	assert.False(t, c.Due(), "a check just started: not again within the hour")
	rel, err := c.Check(context.Background())
	require.NoError(t, err)
	assert.Equal(t, &Release{Version: "1.5.0", URL: "https://github.com/connectors-app/connectors/releases/tag/v1.5.0"}, rel)

	assert.Equal(t, rel, c.Notice("1.4.0"))
	assert.Nil(t, c.Notice("1.4.0"), "told once a day")
	assert.Equal(t, rel, c.Known("1.4.0"), "the window's About still shows it")
	assert.Nil(t, c.Notice("1.5.0"), "the same version")
	assert.Nil(t, c.Notice("1.6.0"), "an older release")
	assert.Nil(t, c.Notice("0.1.0-dev-gd72c901"), "a developer's build")
	assert.Nil(t, c.Notice("1.4.0-3-gabc1234"), "a build after a tag")
	clk.t = clk.t.Add(Interval)
	assert.Equal(t, rel, c.Notice("1.4.0"), "told again a day later")

	for name, srv := range map[string]*httptest.Server{
		"same":    feed(t, 200, `{"tag_name":"v1.4.0","html_url":"https://github.com/connectors-app/connectors/releases/tag/v1.4.0"}`, 0),
		"garbage": feed(t, 200, "<html>rate limited</html>", 0),
		"bad tag": feed(t, 200, `{"tag_name":"v1.5.0\u001b[2J","html_url":"https://github.com/x"}`, 0),
		"bad url": feed(t, 200, `{"tag_name":"v9.0.0","html_url":"javascript:alert(1)"}`, 0),
		"status":  feed(t, 503, `{"message":"down"}`, 0),
		"slow":    feed(t, 200, `{"tag_name":"v9.0.0","html_url":"https://github.com/x"}`, Timeout+time.Second),
	} {
		t.Run(name, func(t *testing.T) {
			c, _ := newChecker(t, srv.URL)
			start := time.Now()
			_, err := c.Check(context.Background())
			took := time.Since(start)
			assert.Nil(t, c.Notice("1.4.0"), "no notice")
			st := c.Load()
			assert.False(t, st.CheckedAt.IsZero(), "the check is recorded: not again today")
			if name != "same" {
				assert.Error(t, err, "said for the log")
			}
			if name == "slow" {
				assert.Less(t, took, Timeout+900*time.Millisecond, "given up at the timeout")
			}
		})
	}
	dead := feed(t, 200, "", 0)
	dead.Close()
	c2, _ := newChecker(t, dead.URL)
	_, err = c2.Check(context.Background())
	assert.Error(t, err)
	assert.Nil(t, c2.Notice("1.4.0"))
}

// TestDue: once a check ended, the next is due a day later; one that
// started and never ended (the process was done first) may start again
// after an hour.
func TestDue(t *testing.T) {
	srv := feed(t, 200, `{"tag_name":"v1.5.0","html_url":"https://example.com/r"}`, 0)
	c, clk := newChecker(t, srv.URL)
	require.True(t, c.Due())
	clk.t = clk.t.Add(59 * time.Minute)
	assert.False(t, c.Due())
	clk.t = clk.t.Add(2 * time.Minute)
	require.True(t, c.Due(), "the last one never ended")
	_, err := c.Check(context.Background())
	require.NoError(t, err)
	clk.t = clk.t.Add(Interval - time.Minute)
	assert.False(t, c.Due())
	clk.t = clk.t.Add(2 * time.Minute)
	assert.True(t, c.Due())
}

// TestStateFileIsNotTrusted: a state file edited to hold a bad version or
// a page that is not https decides nothing.
func TestStateFileIsNotTrusted(t *testing.T) {
	c, _ := newChecker(t, "https://example.com/feed")
	require.NoError(t, os.MkdirAll(filepath.Dir(c.StateFile), 0o700))
	for _, bad := range []string{
		`{"latest":{"version":"9.0.0","url":"http://evil.example/x"}}`,
		`{"latest":{"version":"9.0.0\u001b]8;;x","url":"https://example.com/x"}}`,
		`not json`,
	} {
		require.NoError(t, os.WriteFile(c.StateFile, []byte(bad), 0o600))
		assert.Nil(t, c.Notice("1.0.0"), bad)
	}
}

func TestNewer(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"1.5.0", "1.4.9", true}, {"v1.5.0", "1.4.0", true}, {"1.10.0", "1.9.0", true}, {"2.0.0", "1.99.99", true},
		{"1.5.0", "1.5.0", false}, {"1.4.0", "1.5.0", false}, {"1.5.0", "1.5.0-rc.1", true}, {"1.5.0-rc.1", "1.5.0", false},
		{"1.5.0", "dev", false}, {"1.5.0", "0.1.0-dev-gd72c901", false}, {"1.5.0", "1.4.0-3-gabc1234", false}, {"nonsense", "1.0.0", false},
	} {
		assert.Equal(t, tc.want, Newer(tc.a, tc.b), "%s vs %s", tc.a, tc.b)
	}
}

func TestOff(t *testing.T) {
	env := map[string]string{}
	get := func(k string) string { return env[k] }
	assert.False(t, Off(get))
	env[OffEnv] = "1"
	assert.True(t, Off(get))
	delete(env, OffEnv)
	env["GITHUB_ACTIONS"] = "true"
	assert.True(t, Off(get), "never in CI")
}
