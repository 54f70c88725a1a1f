package ui

import (
	"net/url"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Website is where the releases and the documentation are.
const Website = "https://github.com/connectors-app/connectors"

// HelpMenu is the window's menu with "Help → About Connectors", which shows
// version (the build's version and commit, as in diagnostics). On macOS Fyne
// moves the About item to the application menu.
func HelpMenu(w fyne.Window, version string) *fyne.MainMenu {
	about := fyne.NewMenuItem(lang.L("About Connectors"), func() { ShowAbout(w, version) })
	return fyne.NewMainMenu(fyne.NewMenu(lang.L("Help"), about))
}

// ShowAbout shows the app's name, version, commit and Go version: what
// support asks for first.
func ShowAbout(w fyne.Window, version string) {
	name := &widget.Label{Text: "Connectors", TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	ver := &widget.Label{Text: lang.L("Version {{.Version}}", map[string]any{"Version": version}), Selectable: true}
	built := &widget.Label{Text: lang.L("Built with {{.Go}} for {{.Platform}}", map[string]any{
		"Go": runtime.Version(), "Platform": runtime.GOOS + "/" + runtime.GOARCH,
	}), Importance: widget.LowImportance}
	box := container.NewVBox(name, ver, built)
	if u, err := url.Parse(Website); err == nil {
		box.Add(widget.NewHyperlink(Website, u))
	}
	newCustom(lang.L("About Connectors"), lang.L("Close"), box, w).Show()
}
