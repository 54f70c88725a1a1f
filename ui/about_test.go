package ui

import (
	"runtime"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Help → About shows the version and commit the window was started with,
// and the Go version: what support asks for first.
func TestAboutShowsVersion(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("Connectors")
	w.Resize(fyne.NewSize(800, 600))
	menu := HelpMenu(w, "1.2.3-4-gabc1234 (commit abc1234)")
	require.Len(t, menu.Items, 1)
	require.Len(t, menu.Items[0].Items, 1)
	assert.Equal(t, "About Connectors", menu.Items[0].Items[0].Label)
	menu.Items[0].Items[0].Action()

	top := w.Canvas().Overlays().Top()
	require.NotNil(t, top, "the About dialog is shown")
	text := allText(top)
	assert.Contains(t, text, "Version 1.2.3-4-gabc1234 (commit abc1234)")
	assert.Contains(t, text, runtime.Version())
	assert.Contains(t, text, runtime.GOOS+"/"+runtime.GOARCH)
}
