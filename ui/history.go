package ui

// The History view of a connector (its journal of publishes, restores and
// replaces) and the CSV exports (that journal, the connector table).

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/connectors-app/connectors/connector"
)

// historyView is the open History dialog (for tests).
type historyView struct {
	dlg     dialog.Dialog
	content fyne.CanvasObject
	table   *widget.Table
	rows    []connector.HistoryEntry
	detail  *widget.Label // the selected entry in full: fingerprint and version, to copy
}

// newHistoryButton opens the History (show) of the connector shown (key()).
func newHistoryButton(show func(k connector.Key), key func() connector.Key) *button {
	return btn(&button{Button: widget.Button{Text: lang.L("History…"), Icon: theme.HistoryIcon(), OnTapped: func() { show(key()) }}})
}

// newExportButton saves the connector table as CSV (export).
func newExportButton(export func()) *button {
	return btn(&button{Button: widget.Button{Text: lang.L("Export as CSV…"), Icon: theme.DocumentSaveIcon(), OnTapped: export}})
}

// historyColumns are the History table's columns.
func historyColumns() []string {
	return []string{lang.L("Time"), lang.L("Action"), lang.L("Outcome"), lang.L("Resource"), lang.L("Size"),
		lang.L("Salesforce user"), lang.L("Fingerprint"), lang.L("Version")}
}

// historyWidths are the History table's column widths; the fingerprint
// column fits connector.ShortVersion's 12 hex digits.
var historyWidths = []float32{120, 75, 150, 120, 70, 150, 120, 90}

func historyCell(e connector.HistoryEntry, col int) string {
	switch col {
	case 0:
		return formatTime(e.Time)
	case 1:
		return map[string]string{connector.ActionPublish: lang.L("Publish"), connector.ActionRestore: lang.L("Restore"),
			connector.ActionReplace: lang.L("Replace")}[e.Action]
	case 2:
		out := map[string]string{"created": lang.L("Created"), "updated": lang.L("Updated"), "up_to_date": lang.L("Up to date"),
			"failed": lang.L("Failed")}[e.Outcome]
		if e.ErrorCode != "" {
			out += " (" + e.ErrorCode + ")"
		}
		return out
	case 3:
		return e.Resource
	case 4:
		return humanSize(e.Size)
	case 5:
		return e.User
	case 6:
		if e.Fingerprint == "" {
			return ""
		}
		return connector.ShortVersion(e.Fingerprint)
	case 7:
		return e.AppVersion
	}
	return ""
}

// historyActions are what the History dialog may ask: the journal, the
// error dialog, the main window it opens in (with the dialog tracked, so
// Escape closes it) and the CSV save dialog.
type historyActions struct {
	history   func(k *connector.Key) ([]connector.HistoryEntry, error) // nil: no service
	showError func(title string, err error)
	parent    fyne.Window
	track     func(d dialog.Dialog)
	saveCSV   func(parent fyne.Window, name string, write func(w io.Writer) error)
}

// showHistory opens the History of k, newest first, in the main window.
func (v *view) showHistory(k connector.Key) *historyView {
	act := historyActions{showError: v.showError, parent: v.win, saveCSV: v.saveCSV,
		track: func(d dialog.Dialog) { v.track(d, nil) }}
	if v.svc != nil {
		act.history = v.svc.History
	}
	org := ""
	if c, ok := v.connectorFor(k); ok && c.Org != nil {
		org = c.Org.OrgName
	}
	return openHistory(act, k, org)
}

// historyDetail is one entry in full: its fingerprint and the app version
// that wrote it, which the table shortens.
func historyDetail(rows []connector.HistoryEntry, i int) string {
	if i < 0 || i >= len(rows) {
		return lang.L("Select a line to see its fingerprint and version in full.")
	}
	e := rows[i]
	return lang.L("#{{.N}}: fingerprint {{.Fingerprint}}, version {{.Version}}, by {{.User}}",
		map[string]any{"N": len(rows) - i, "Fingerprint": e.Fingerprint, "Version": e.AppVersion, "User": e.User})
}

// openHistory opens the History of k (of the org named org), newest first:
// a dialog in the main window, no wider than it, that Escape closes.
func openHistory(act historyActions, k connector.Key, org string) *historyView {
	if act.history == nil {
		return nil
	}
	entries, err := act.history(&k)
	if err != nil {
		act.showError(lang.L("History"), err)
		return nil
	}
	rows := make([]connector.HistoryEntry, len(entries))
	for i, e := range entries {
		rows[len(entries)-1-i] = e
	}
	cols := historyColumns()
	h := &historyView{rows: rows}
	h.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(rows), len(cols) },
		func() fyne.CanvasObject { return &widget.Label{Truncation: fyne.TextTruncateEllipsis} },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(historyCell(rows[id.Row], id.Col))
		})
	h.table.CreateHeader = func() fyne.CanvasObject { return &widget.Label{TextStyle: fyne.TextStyle{Bold: true}} }
	h.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row < 0 && id.Col >= 0 {
			o.(*widget.Label).SetText(cols[id.Col])
		} else if id.Col < 0 && id.Row >= 0 {
			o.(*widget.Label).SetText(fmt.Sprint(len(rows) - id.Row))
		}
	}
	for i, w := range historyWidths {
		h.table.SetColumnWidth(i, w)
	}
	h.detail = &widget.Label{Text: historyDetail(rows, -1), Wrapping: fyne.TextWrapWord, Selectable: true}
	h.table.OnSelected = func(id widget.TableCellID) { h.detail.SetText(historyDetail(rows, id.Row)) }
	if len(rows) > 0 {
		h.detail.SetText(historyDetail(rows, 0))
	}
	title := lang.L("History of {{.Connector}}", map[string]any{"Connector": keyText(k)})
	heading := title
	if org != "" {
		heading = lang.L("History of {{.Connector}} (org {{.Org}})", map[string]any{"Connector": keyText(k), "Org": org})
	}
	empty := &widget.Label{Text: lang.L("Nothing published from this computer yet."), Wrapping: fyne.TextWrapWord}
	setVisible(empty, len(rows) == 0)
	setVisible(h.detail, len(rows) > 0)
	export := &widget.Button{Text: lang.L("Export as CSV…"), Icon: theme.DocumentSaveIcon(), OnTapped: func() {
		act.saveCSV(act.parent, "history.csv", func(w io.Writer) error { return connector.WriteHistoryCSV(w, entries) })
	}}
	h.content = container.NewBorder(
		container.NewVBox(&widget.Label{Text: heading, TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord}, empty),
		container.NewVBox(h.detail, container.NewHBox(export)), nil, nil, h.table)
	h.dlg = dialog.NewCustom(title, lang.L("Close"), h.content, act.parent)
	size := act.parent.Canvas().Size()
	h.dlg.Resize(fyne.NewSize(max(size.Width-40, 400), max(size.Height-60, 300)))
	if act.track != nil {
		act.track(h.dlg)
	}
	h.dlg.Show()
	return h
}

// onExportConnectors saves the connector table as CSV.
func (v *view) onExportConnectors() {
	if v.svc == nil {
		return
	}
	cs, err := v.svc.Connectors()
	if err != nil {
		v.showError(lang.L("Export as CSV"), err)
		return
	}
	v.saveCSV(v.win, "connectors.csv", func(w io.Writer) error { return connector.WriteConnectorsCSV(w, cs) })
}

// saveCSV asks where to save and writes the CSV there. The dialog opens
// in the user's Documents folder (else home), never in the last folder a
// dialog used, which may be the content bundle's: a CSV saved there would
// ship with the next publish.
func (v *view) saveCSV(parent fyne.Window, name string, write func(w io.Writer) error) {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		v.showError(lang.L("Export as CSV"), err)
		return
	}
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil || wc == nil {
			return
		}
		v.csvSaved(parent, wc, buf.Bytes())
	}, parent)
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv"}))
	if dir := csvFolder(); dir != nil {
		d.SetLocation(dir)
	}
	d.Show()
}

// csvSaved writes data to wc and says where it went.
func (v *view) csvSaved(parent fyne.Window, wc fyne.URIWriteCloser, data []byte) {
	_, err := wc.Write(data)
	if cerr := wc.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		v.showError(lang.L("Export as CSV"), err)
		return
	}
	d := dialog.NewInformation(lang.L("Export as CSV"), lang.L("Saved to {{.Path}}.", map[string]any{"Path": wc.URI().Path()}), parent)
	v.track(d, d.Hide)
	d.Show()
}

// csvFolder is where the CSV save dialog opens: the user's Documents
// folder, else their home folder (nil: neither can be listed).
func csvFolder() fyne.ListableURI {
	home, err := os.UserHomeDir()
	if err != nil {
		return nil
	}
	for _, dir := range []string{filepath.Join(home, "Documents"), home} {
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
				return l
			}
		}
	}
	return nil
}
