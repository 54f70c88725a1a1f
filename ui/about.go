package ui

import (
	"context"
	"net/url"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/connectors-app/connectors/internal/update"
)

// Website is where the releases and the documentation are.
const Website = "https://github.com/connectors-app/connectors"

// HelpMenu is the window's menu with "Help → About Connectors", which shows
// version (the build's version and commit, as in diagnostics) and, when
// updates knows of one, the newer release. On macOS Fyne moves the About
// item to the application menu.
func HelpMenu(w fyne.Window, version string, updates *Updates) *fyne.MainMenu {
	about := fyne.NewMenuItem(lang.L("About Connectors"), func() { ShowAbout(w, version, updates.known()) })
	return fyne.NewMainMenu(fyne.NewMenu(lang.L("Help"), about))
}

// Updates is how the window learns of a newer release (the update
// notice); nil: it never does (a development build, CI, the switch).
type Updates struct {
	Current string // this build's version
	Checker *update.Checker
}

// known is the newer release the last check found, nil when none.
func (u *Updates) known() *update.Release {
	if u == nil || u.Checker == nil {
		return nil
	}
	return u.Checker.Known(u.Current)
}

// check reads the feed when the day's check is due, then says whether to
// announce a newer release now (once a day).
func (u *Updates) check(ctx context.Context) *update.Release {
	if u == nil || u.Checker == nil {
		return nil
	}
	if u.Checker.Due() {
		_, _ = u.Checker.Check(ctx) // a slow, down or garbled feed: no notice
	}
	return u.Checker.Notice(u.Current)
}

// newerText is the one sentence of a newer release.
func newerText(current string, rel *update.Release) string {
	return lang.L("Connectors {{.Version}} is available (you have {{.Current}}).", map[string]any{"Version": rel.Version, "Current": current})
}

// ShowAbout shows the app's name, version, commit and Go version: what
// support asks for first; and a newer release, if one is known.
func ShowAbout(w fyne.Window, version string, newer *update.Release) {
	name := &widget.Label{Text: "Connectors", TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	ver := &widget.Label{Text: lang.L("Version {{.Version}}", map[string]any{"Version": version}), Selectable: true}
	built := &widget.Label{Text: lang.L("Built with {{.Go}} for {{.Platform}}", map[string]any{
		"Go": runtime.Version(), "Platform": runtime.GOOS + "/" + runtime.GOARCH,
	}), Importance: widget.LowImportance}
	box := container.NewVBox(name, ver, built)
	if u, err := url.Parse(Website); err == nil {
		box.Add(widget.NewHyperlink(Website, u))
	}
	if newer != nil {
		if u, err := url.Parse(newer.URL); err == nil {
			box.Add(widget.NewSeparator())
			box.Add(&widget.Label{Text: lang.L("A newer release exists: Connectors {{.Version}}.", map[string]any{"Version": newer.Version}), TextStyle: fyne.TextStyle{Bold: true}})
			box.Add(widget.NewHyperlink(lang.L("Download it from its release page"), u))
		}
	}
	newCustom(lang.L("About Connectors"), lang.L("Close"), box, w).Show()
}
