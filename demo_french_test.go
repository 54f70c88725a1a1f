package main

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/ui"
)

var wordRE = regexp.MustCompile(`[\p{L}]+(?:['’][\p{L}]+)*`)

// sharedWords are the words French keeps from English: names of products,
// acronyms, the app's name, and words spelt the same in both languages.
var sharedWords = []string{"Connectors", "Salesforce", "Sandbox", "Sandboxes", "Production", "org", "orgs", "API", "CSV", "JWT",
	"OAuth", "URL", "ID", "PEM", "HTTPS", "HTTP", "CI", "Test", "Version", "Action", "Description", "Client", "Type", "Options",
	"Permissions", "Total", "Application", "Windows", "macOS", "Linux", "KeePassXC", "gnome", "keyring", "Secret", "Service",
	"Lightning", "Cloud", "Experience", "WalkMe", "Content", "resource", "static", "zip", "Ko", "Mo", "Go", "Demo", "demo",
	"Dev", "Edition", "Developer", "Keychain", "Access", "Credential", "Manager", "Passwords", "Keys", "bus", "session",
	"QA", "UAT", "Staging", "acme", "login", "test", "salesforce", "com", "localhost", "OauthRedirect", "code", "password",
	"example", "admin", "sandbox", "production", "connectorctl", "Git", "GitLab", "GitHub", "Guide", "Navigation", "Message", "Mode", "machine", "page", "change"}

// demoDataWords are words of the demo's data, not of the app: names of
// systems, orgs and people that stay as they are in every language.
var demoDataWords = []string{"Org", "Jane", "Doe", "Grace", "Hopper", "Corporation", "Industries", "Enterprises",
	"Systems", "Science", "Dynamic", "Brewing", "Inc", "Mesa", "Black", "Massive", "Aperture", "Monsters", "Duff", "Stark",
	"Wayne", "Wonka", "Tyrell", "Vandelay", "Umbrella", "Guidance", "teammate", "Acme", "Globex", "Initech", "Hooli",
	"Cyberdyne", "Soylent", "Oscorp", "Gringotts"}

var glossRE = regexp.MustCompile(`\([^()]*\)`)

// englishOnlyWords are the words of the app's English texts (en.json
// values that differ from their French) that are not French: less the words
// French texts use that no English text does, the words both languages
// share and the demo's data. Words in parentheses in French are English
// glosses ("API activée (API Enabled)"), not French.
func englishOnlyWords(t *testing.T) map[string]bool {
	t.Helper()
	read := func(name string) map[string]string {
		data, err := os.ReadFile("ui/translation/" + name)
		require.NoError(t, err)
		m := map[string]string{}
		require.NoError(t, json.Unmarshal(data, &m))
		return m
	}
	en, fr := read("en.json"), read("fr.json")
	words := func(s string) []string {
		return wordRE.FindAllString(glossRE.ReplaceAllString(stripPlaceholders(s), " "), -1)
	}
	english := map[string]bool{}
	for _, v := range en {
		for _, w := range words(v) {
			english[strings.ToLower(w)] = true
		}
	}
	french := map[string]bool{}
	for _, v := range fr {
		for _, w := range words(v) {
			if lw := strings.ToLower(w); !english[lw] {
				french[lw] = true
			}
		}
	}
	for _, w := range append(sharedWords, demoDataWords...) {
		french[strings.ToLower(w)] = true
	}
	out := map[string]bool{}
	for k, v := range en {
		if fr[k] == v {
			continue
		}
		for _, w := range words(v) {
			if lw := strings.ToLower(w); len([]rune(w)) > 2 && !french[lw] {
				out[lw] = true
			}
		}
	}
	return out
}

var placeholderRE = regexp.MustCompile(`{{[^}]*}}`)

func stripPlaceholders(s string) string { return placeholderRE.ReplaceAllString(s, " ") }

// windowText is every text the window holds, shown or not (a hidden tab
// or line is still what the user sees when it shows), and its overlays.
func windowText(c fyne.Canvas) string {
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *canvas.Text:
			b.WriteString(x.Text + "\n")
		case *widget.Entry:
			b.WriteString(x.PlaceHolder + "\n")
		case *widget.Select:
			b.WriteString(strings.Join(x.Options, "\n") + "\n")
		}
		switch x := o.(type) {
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c)
			}
		}
	}
	walk(c.Content())
	for _, o := range c.Overlays().List() {
		walk(o)
	}
	return b.String()
}

// TestDemoScenariosInFrench renders each demo scenario in French and fails
// on any English word of the app's (a French admin saw "My Domain
// (facultatif)", "avec API Enabled", "an unknown user", English validator
// and keyring texts).
// frenchWindows serialises TestDemoScenariosInFrench's windows and its
// loading of the language (Fyne's catalogue is global).
var frenchWindows sync.Mutex

func TestDemoScenariosInFrench(t *testing.T) {
	t.Setenv("LC_ALL", "fr_FR.UTF-8")
	t.Setenv("LANGUAGE", "")
	// the windows' updates from background work take frenchWindows too:
	// one lock for all, as an earlier scenario's (or run's) window may
	// still be finishing its work when the language is loaded again
	mu := &frenchWindows
	mu.Lock()
	require.NoError(t, ui.LoadTranslations())
	mu.Unlock()
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		_ = ui.LoadTranslations()
	})
	english := englishOnlyWords(t)
	require.Greater(t, len(english), 100, "the English-only words were found")
	for _, w := range []string{"the", "connector", "publish", "unknown"} {
		require.True(t, english[w], "%q is an English-only word", w)
	}
	for _, name := range demoScenarios {
		t.Run(name, func(t *testing.T) {
			a := test.NewTempApp(t)
			var deps ui.Deps
			var cleanup []func()
			t.Cleanup(func() {
				for i := len(cleanup) - 1; i >= 0; i-- {
					cleanup[i]()
				}
			})
			require.NoError(t, setupDemo(&deps, t.TempDir(), &cleanup))
			deps.Demo.Scenario = name
			deps.StatusInterval = -1
			done := make(chan error, 1)
			set := deps.Demo.SetScenario
			deps.Demo.SetScenario = func(ctx context.Context, name string) (connector.Key, error) {
				k, err := set(ctx, name)
				done <- err
				return k, err
			}
			deps.UIMutex = mu
			w := a.NewWindow("Connectors")
			w.Resize(fyne.NewSize(1000, 700))
			mu.Lock()
			w.SetContent(ui.New(a, w, deps))
			mu.Unlock()
			if name != "normal" {
				select {
				case err := <-done:
					require.NoError(t, err)
				case <-time.After(2 * time.Minute):
					t.Fatal("the scenario was not set up within 2 minutes")
				}
			}
			text := settledText(t, w.Canvas(), mu)
			var found []string
			for _, word := range wordRE.FindAllString(glossRE.ReplaceAllString(text, " "), -1) {
				if english[strings.ToLower(word)] {
					found = append(found, word)
				}
			}
			mu.Lock()
			for _, shown := range selectTexts(w.Canvas().Content()) {
				assert.NotContains(t, shown, "…", "the demo's Show: menu shows its choice in full")
			}
			mu.Unlock()
			sort.Strings(found)
			assert.Empty(t, found, "English words in the French window of %s:\n%s", name, text)
		})
	}
}

// selectTexts are the texts the window's drop-down menus show (a Select
// narrower than its choice cuts it with "…").
func selectTexts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(o fyne.CanvasObject, inSelect bool)
	walk = func(o fyne.CanvasObject, inSelect bool) {
		if x, ok := o.(*canvas.Text); ok && inSelect && x.Text != "" {
			out = append(out, x.Text)
		}
		_, isSel := o.(*widget.Select)
		switch x := o.(type) {
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c, inSelect)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c, inSelect || isSel)
			}
		}
	}
	walk(o, false)
	return out
}

// settledText is the window's text once the checks a scenario starts have
// finished: the same text twice in a row, a while apart, with no check in
// progress (bounded).
func settledText(t *testing.T, c fyne.Canvas, mu *sync.Mutex) string {
	t.Helper()
	last := ""
	for range 300 {
		time.Sleep(100 * time.Millisecond)
		var cur string
		mu.Lock()
		cur = windowText(c)
		mu.Unlock()
		if cur == last && !strings.Contains(cur, "Vérification…") {
			return cur
		}
		last = cur
	}
	t.Fatal("the window did not settle within 30 s")
	return ""
}
