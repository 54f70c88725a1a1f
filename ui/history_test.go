package ui

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// TestCSVExportFolderAndConfirmation: the CSV save dialog opened in the
// last folder a dialog used (the content bundle's: the CSV then shipped
// with the next publish) and nothing said it was saved. It now opens in
// Documents (else home) and says "Saved to …", in English and French.
func TestCSVExportFolderAndConfirmation(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	require.Equal(t, storage.NewFileURI(home).String(), csvFolder().String(), "home when there is no Documents folder")
	docs := filepath.Join(home, "Documents")
	require.NoError(t, os.Mkdir(docs, 0o700))
	assert.Equal(t, storage.NewFileURI(docs).String(), csvFolder().String(), "Documents first")

	for _, tt := range []struct{ locale, want string }{
		{"en_US.UTF-8", "Saved to " + filepath.Join(docs, "connectors.csv") + "."},
		{"fr_FR.UTF-8", "Enregistré dans " + filepath.Join(docs, "connectors.csv") + "."},
	} {
		t.Run(tt.locale, func(t *testing.T) {
			useLanguage(t, tt.locale)
			h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
			path := filepath.Join(docs, "connectors.csv")
			wc, err := storage.Writer(storage.NewFileURI(path))
			require.NoError(t, err)
			h.ui(func() { h.v.csvSaved(h.w, wc, []byte("a,b\n")) })
			got, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, "a,b\n", string(got))
			top := h.w.Canvas().Overlays().Top()
			require.NotNil(t, top, "a confirmation")
			assert.Contains(t, allText(top), tt.want)
		})
	}
}

// TestSearchPlaceholderFits: at 800×600 the French placeholder of the
// search field ("Rechercher des connecteurs et des orgs") was cut; every
// language's placeholder now fits the field.
func TestSearchPlaceholderFits(t *testing.T) {
	for _, locale := range []string{"en_US.UTF-8", "fr_FR.UTF-8"} {
		t.Run(locale, func(t *testing.T) {
			useLanguage(t, locale)
			h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
			h.ui(func() { h.w.Resize(fyne.NewSize(800, 600)) })
			e := h.v.list.search
			text := fyne.MeasureText(e.PlaceHolder, theme.TextSize(), fyne.TextStyle{}).Width
			assert.LessOrEqual(t, text+2*theme.InnerPadding(), e.Size().Width, "%q fits", e.PlaceHolder)
		})
	}
}

// TestVersionsNamedAsTheOrgRecordNamesThem: the window named a bundle's
// version by 8 hex digits (History, Fleet), while the org's record, the
// card's Last publish and the CLI said 12: support comparing a screenshot
// with `connectorctl history` saw two versions. Every front end now names
// it with the domain's connector.ShortVersion.
func TestVersionsNamedAsTheOrgRecordNamesThem(t *testing.T) {
	fp := "sha256:3f2a9c0d12ab45cd67ef89013f2a9c0d12ab45cd67ef89013f2a9c0d12ab45cd"
	want := connector.ShortVersion(fp)
	require.Equal(t, "3f2a9c0d12ab", want)

	assert.Equal(t, want, historyCell(connector.HistoryEntry{Fingerprint: fp}, 6), "History's fingerprint column")
	assert.Empty(t, historyCell(connector.HistoryEntry{}, 6), "an entry without a bundle shows no version")

	version, _ := fleetVersionText(&connector.OrgVersion{Provenance: connector.ProvConnectors, Fingerprint: fp})
	assert.Contains(t, version, want, "the Fleet tab's row")

	// the column holds the widest 12 hex digits without an ellipsis
	test.NewTempApp(t)
	var widest float32
	for _, r := range "0123456789abcdef" {
		widest = max(widest, fyne.MeasureText(string(r), theme.TextSize(), fyne.TextStyle{}).Width)
	}
	assert.LessOrEqual(t, 12*widest+2*theme.InnerPadding(), historyWidths[6], "History's fingerprint column fits a version")
}
