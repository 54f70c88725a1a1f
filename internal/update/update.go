// Package update says when a newer release of Connectors exists, as the
// GitHub CLI does: at most once a day it reads the release feed (GitHub's
// "latest release" of the project), keeps what it learned in a small state
// file, and tells the front end whether to show a notice. It never
// downloads or replaces anything, and a feed that is slow, down or garbled
// is never an error: there is simply no notice.
package update

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DefaultFeed is where releases are announced: GitHub's latest release of
// the project ({"tag_name": "v1.5.0", "html_url": "https://…"}).
const DefaultFeed = "https://api.github.com/repos/connectors-app/connectors/releases/latest"

// FeedEnv names another feed of the same format (a mirror, a test server).
const FeedEnv = "CONNECTORS_UPDATE_FEED"

// OffEnv, when set to anything, turns the notice off.
const OffEnv = "CONNECTORS_NO_UPDATE_NOTIFIER"

// Interval is how often the feed is read, and a notice repeated.
const Interval = 24 * time.Hour

// Timeout bounds one reading of the feed.
const Timeout = 2 * time.Second

// retryAfter is when a check that started but never finished (the process
// ended first) may start again.
const retryAfter = time.Hour

// maxFeed bounds what is read of the feed's answer.
const maxFeed = 256 << 10

// Release is the newest release the feed names.
type Release struct {
	Version string `json:"version"` // "1.5.0", without the tag's "v"
	URL     string `json:"url"`     // its page, where to download it
}

// State is what the state file keeps between runs.
type State struct {
	// StartedAt is when the last check began, CheckedAt when the last one
	// ended (with an answer or not).
	StartedAt time.Time `json:"startedAt,omitzero"`
	CheckedAt time.Time `json:"checkedAt,omitzero"`
	// Latest is the release the last good answer named.
	Latest *Release `json:"latest,omitempty"`
	// NotifiedAt and NotifiedVersion are the last notice shown.
	NotifiedAt      time.Time `json:"notifiedAt,omitzero"`
	NotifiedVersion string    `json:"notifiedVersion,omitempty"`
}

// Checker reads the feed and keeps the state.
type Checker struct {
	Feed      string // "" means DefaultFeed
	StateFile string
	Client    *http.Client // nil: one with Timeout
	Now       func() time.Time
}

// DefaultStateFile is the state file in the user's cache folder.
func DefaultStateFile() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "connectors", "update-check.json"), nil
}

// Off reports whether the environment turns the notice off: the switch,
// or a CI system (a pipeline's log is no place for it).
func Off(getenv func(string) string) bool {
	if getenv(OffEnv) != "" {
		return true
	}
	for _, k := range []string{"CI", "BUILD_NUMBER", "RUN_ID", "TF_BUILD", "GITHUB_ACTIONS", "GITLAB_CI", "JENKINS_URL", "TEAMCITY_VERSION", "BUILDKITE", "CIRCLECI"} {
		if getenv(k) != "" {
			return true
		}
	}
	return false
}

func (c *Checker) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Load reads the state; a missing or unreadable file is an empty state.
func (c *Checker) Load() State {
	var st State
	b, err := os.ReadFile(c.StateFile)
	if err == nil && json.Unmarshal(b, &st) == nil {
		if st.Latest != nil && (!validVersion(st.Latest.Version) || !safeURL(st.Latest.URL)) {
			st.Latest = nil // a file edited by hand decides nothing
		}
	}
	return State{StartedAt: st.StartedAt, CheckedAt: st.CheckedAt, Latest: st.Latest, NotifiedAt: st.NotifiedAt, NotifiedVersion: st.NotifiedVersion}
}

// save writes the state whole (a temporary file renamed over it).
func (c *Checker) save(st State) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(c.StateFile), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(c.StateFile), ".update-check-*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // gone once renamed
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), c.StateFile)
}

// Due reports whether a check should start now (none ended in the last
// Interval, none started in the last hour), and records that one starts.
func (c *Checker) Due() bool {
	st := c.Load()
	now := c.now()
	if now.Sub(st.CheckedAt) < Interval || now.Sub(st.StartedAt) < retryAfter {
		return false
	}
	st.StartedAt = now
	return c.save(st) == nil
}

// Check reads the feed and records the answer: the newest release, or
// none when the feed is slow, down or garbled (the error says which, for
// a log; it is never shown as a failure).
func (c *Checker) Check(ctx context.Context) (*Release, error) {
	rel, err := c.fetch(ctx)
	st := c.Load()
	st.CheckedAt = c.now()
	if err == nil {
		st.Latest = rel
	}
	if serr := c.save(st); err == nil {
		err = serr
	}
	return rel, err
}

// feedAnswer is the part of GitHub's release object read.
type feedAnswer struct {
	TagName string `json:"tag_name"`
	HTMLURL string `json:"html_url"`
}

func (c *Checker) fetch(ctx context.Context) (*Release, error) {
	feed := c.Feed
	if feed == "" {
		feed = DefaultFeed
	}
	if !safeURL(feed) {
		return nil, errors.New("the release feed must be an https URL")
	}
	client := c.Client
	if client == nil {
		client = &http.Client{Timeout: Timeout}
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, feed, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the release feed answered HTTP %d", resp.StatusCode)
	}
	var a feedAnswer
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxFeed)).Decode(&a); err != nil {
		return nil, fmt.Errorf("the release feed's answer is not a release: %w", err)
	}
	v := strings.TrimPrefix(a.TagName, "v")
	if !validVersion(v) || !safeURL(a.HTMLURL) {
		return nil, errors.New("the release feed's answer names no valid version and page")
	}
	return &Release{Version: v, URL: a.HTMLURL}, nil
}

// Notice is the release to tell the user of, if any: newer than current,
// and not told in the last Interval. It records that it was told.
func (c *Checker) Notice(current string) *Release {
	st := c.Load()
	if st.Latest == nil || !Newer(st.Latest.Version, current) {
		return nil
	}
	now := c.now()
	if st.NotifiedVersion == st.Latest.Version && now.Sub(st.NotifiedAt) < Interval {
		return nil
	}
	st.NotifiedAt, st.NotifiedVersion = now, st.Latest.Version
	if c.save(st) != nil {
		return nil // a notice that cannot be recorded would repeat on every run
	}
	return st.Latest
}

// Known is the newer release the state knows of, without recording a
// notice (the window's Help → About shows it whenever it is opened).
func (c *Checker) Known(current string) *Release {
	st := c.Load()
	if st.Latest == nil || !Newer(st.Latest.Version, current) {
		return nil
	}
	return st.Latest
}

var versionRE = regexp.MustCompile(`^(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})(-[0-9A-Za-z.-]{1,40})?$`)

// validVersion: a semantic version, e.g. "1.5.0" or "2.0.0-rc.1".
func validVersion(v string) bool { return versionRE.MatchString(v) }

// safeURL: an https URL without credentials, or http to this computer (a
// test's feed), printable as it is.
func safeURL(raw string) bool {
	if len(raw) > 300 || strings.ContainsAny(raw, " \t\r\n\x1b\"'<>") {
		return false
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		h := u.Hostname()
		ip := net.ParseIP(h)
		return h == "localhost" || ip != nil && ip.IsLoopback()
	}
	return false
}

// devBuildRE matches what scripts/version stamps on a build that is not a
// release: "0.1.0-dev-gd72c901", or git describe's "1.4.0-3-gabc1234".
var devBuildRE = regexp.MustCompile(`(^|-)dev(-|$)|-g[0-9a-f]{7,}$`)

// IsRelease reports whether v is a release's version ("1.5.0",
// "v2.0.0-rc.1"), not a development build's.
func IsRelease(v string) bool {
	v = strings.TrimPrefix(v, "v")
	return validVersion(v) && !devBuildRE.MatchString(v)
}

// Newer reports whether version a is newer than b (semantic versions,
// with or without a "v"; a pre-release is older than its release). A b
// that is not a release, like a development build's "dev",
// "0.1.0-dev-gd72c901" or "1.4.0-3-gabc1234", is never older: a
// developer's build gets no notice.
func Newer(a, b string) bool {
	a, b = strings.TrimPrefix(a, "v"), strings.TrimPrefix(b, "v")
	if !IsRelease(a) || !IsRelease(b) {
		return false
	}
	pa, pb := parts(a), parts(b)
	for i := range 3 {
		if pa.n[i] != pb.n[i] {
			return pa.n[i] > pb.n[i]
		}
	}
	switch {
	case pa.pre == pb.pre:
		return false
	case pa.pre == "":
		return true // 1.5.0 is newer than 1.5.0-rc.1
	case pb.pre == "":
		return false
	}
	return pa.pre > pb.pre
}

type version struct {
	n   [3]int
	pre string
}

func parts(v string) version {
	var out version
	core, pre, _ := strings.Cut(v, "-")
	out.pre = pre
	for i, s := range strings.SplitN(core, ".", 3) {
		out.n[i], _ = strconv.Atoi(s)
	}
	return out
}
