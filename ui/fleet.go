package ui

// The Fleet tab: where every org stands against the chosen bundle (the
// same reading as `connectorctl fleet`), sortable, filterable by state,
// searchable, production orgs marked; "Publish to the N behind"; and a
// switch that re-checks on a schedule and says what changed.

import (
	"context"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/service"
	"github.com/connectors-app/connectors/packaging"
)

// DefaultFleetEvery is how often the Fleet tab's watch re-checks.
const DefaultFleetEvery = 15 * time.Minute

// fleetSort is a column the table can be sorted by.
type fleetSort int

const (
	sortConnector fleetSort = iota
	sortProduction
	sortState
	sortVersion
	fleetColumns
)

// fleetItem is one row as the table shows it, its texts made once per check.
type fleetItem struct {
	row     service.FleetRow
	name    string // "System · Environment"
	org     string
	state   string
	tone    tone
	version string // the version line, or the problem
	detail  string // when and by whom, or the fix
	search  string // what the search box matches, lower case
	when    time.Time
}

// fleetScreen is the Fleet tab.
type fleetScreen struct {
	m   *model
	act fleetActions

	items    []fleetItem // the last check, in check order
	shown    []int       // indices into items: filtered, sorted
	seen     []connector.FleetSeen
	bundleFP string // the bundle the items were checked against
	sortBy   fleetSort
	desc     bool
	filter   connector.FleetState // "" all
	query    string
	checking bool
	checked  time.Time
	sel      int // index into items of the row shown in the details; -1 none

	intro      *widget.Label
	chooseBtn  *button
	checkBtn   *button
	watchCheck *widget.Check
	counts     *widget.Label
	changes    *widget.Label
	search     *widget.Entry
	stateSel   *widget.Select
	selWidth   *minWidth              // the select as wide as its longest option
	stateOpts  []connector.FleetState // the select's options after "All"
	publishBtn *button
	header     []*button
	list       *fleetList
	detail     *widget.Label
	detailFix  *widget.Label
	openBtn    *button
	empty      *widget.Label
	top        *fyne.Container
	body       *fyne.Container

	watchStop context.CancelFunc
	every     time.Duration
	shownTab  bool // the Fleet tab is the one shown
}

// fleetService is the slice of the Service the Fleet tab calls.
type fleetService interface {
	Fleet(ctx context.Context, keys []connector.Key, fp string, size int64, resource string, maxParallel int) []service.FleetRow
}

// fleetActions are what the Fleet tab may ask of the window.
type fleetActions struct {
	shell
	svc           func() fleetService // nil: no service
	demo          func() *Demo
	bundle        func() *packaging.Bundle
	publish       func(keys []connector.Key) // tick them, show the Content bundle tab, publish
	openConnector func(k connector.Key)
	showBundleTab func()
	notify        func(n *fyne.Notification)
	setTray       func(summary string)
	every         time.Duration
}

func (v *view) fleetActions() fleetActions {
	every := v.deps.FleetEvery
	if every <= 0 {
		every = DefaultFleetEvery
	}
	return fleetActions{
		shell: v.shell(),
		svc: func() fleetService {
			if v.svc == nil {
				return nil
			}
			return v.svc
		},
		demo:   func() *Demo { return v.deps.Demo },
		bundle: func() *packaging.Bundle { return v.bundle },
		publish: func(keys []connector.Key) {
			v.setTicks(keys)
			v.selectTab(1)
			v.pub.publishTo(keys)
		},
		openConnector: func(k connector.Key) {
			v.selectKey(k)
			v.selectTab(0)
		},
		showBundleTab: func() { v.selectTab(1) },
		notify:        func(n *fyne.Notification) { v.app.SendNotification(n) },
		setTray:       func(s string) { v.pub.setFleetTray(s) },
		every:         every,
	}
}

func newFleetScreen(v *view) *fleetScreen {
	f := &fleetScreen{m: v.model, act: v.fleetActions(), sortBy: sortState, sel: -1}
	f.every = f.act.every
	f.intro = &widget.Label{Wrapping: fyne.TextWrapWord}
	f.chooseBtn = btn(&button{Button: widget.Button{Text: lang.L("Choose content…"), Icon: theme.FolderOpenIcon(), OnTapped: f.act.showBundleTab}})
	f.checkBtn = btn(&button{Button: widget.Button{Text: lang.L("Check all orgs"), Icon: theme.ViewRefreshIcon(), OnTapped: f.check}})
	f.watchCheck = widget.NewCheck(lang.L("Re-check every {{.Minutes}} minutes and notify me",
		map[string]any{"Minutes": int(f.every.Minutes())}), f.onWatch)
	f.counts = &widget.Label{Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Bold: true}}
	f.changes = &widget.Label{Wrapping: fyne.TextWrapWord}
	f.search = widget.NewEntry()
	f.search.SetPlaceHolder(lang.L("Search connector or org"))
	f.search.OnChanged = f.onSearch
	f.stateSel = widget.NewSelect(nil, f.onFilter)
	f.selWidth = &minWidth{}
	f.publishBtn = btn(&button{Button: widget.Button{Icon: theme.UploadIcon(), Importance: widget.HighImportance, OnTapped: f.onPublish}})
	f.detail = &widget.Label{Wrapping: fyne.TextWrapWord}
	f.detailFix = &widget.Label{Wrapping: fyne.TextWrapWord, SizeName: theme.SizeNameCaptionText}
	f.openBtn = btn(&button{Button: widget.Button{Text: lang.L("Open connector"), Icon: theme.NavigateNextIcon(), OnTapped: f.onOpen}})
	f.empty = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance}
	f.list = newFleetList(f)
	return f
}

func (f *fleetScreen) build() fyne.CanvasObject {
	cols := newFleetColumns()
	f.header = make([]*button, fleetColumns)
	hdr := make([]fyne.CanvasObject, fleetColumns)
	for i := range f.header {
		col := fleetSort(i)
		f.header[i] = btn(&button{Button: widget.Button{Importance: widget.LowImportance, Alignment: widget.ButtonAlignLeading, OnTapped: func() { f.sortOn(col) }}})
		hdr[i] = f.header[i]
	}
	f.refreshHeader()
	f.top = container.NewVBox(
		f.intro,
		container.NewHBox(f.chooseBtn, f.checkBtn, f.watchCheck),
		container.NewBorder(nil, nil, nil, container.NewVBox(f.publishBtn), f.counts),
		f.changes,
		container.NewBorder(nil, nil, nil, container.New(f.selWidth, f.stateSel), f.search),
		container.New(cols, hdr...),
		f.empty,
	)
	details := container.NewBorder(nil, nil, nil, container.NewVBox(f.openBtn), container.NewVBox(f.detail, f.detailFix))
	// in this order, which is Tab's: the controls, the rows, the details
	f.body = container.New(layout.NewBorderLayout(f.top, details, nil, nil), f.top, f.list, details)
	f.update()
	return container.NewPadded(f.body)
}

// onModel: a new bundle (or a finished publish) makes the last check stale.
func (f *fleetScreen) onModel(ev modelEvent) {
	switch ev.Kind {
	case bundleChanged:
		f.items, f.shown, f.seen, f.sel = nil, nil, nil, -1
		f.update()
		if f.act.bundle() != nil && f.visible() {
			f.check()
		}
	case publishFinished:
		if f.items != nil {
			f.check()
		}
	case connectorsChanged:
		f.update()
	}
}

// visible: the Fleet tab is the one shown.
func (f *fleetScreen) visible() bool { return f.body != nil && f.shownTab }

// opened runs when the tab is selected: the first time with a bundle, it
// checks; focus goes where the next step is.
func (f *fleetScreen) opened() {
	f.shownTab = true
	switch {
	case f.act.bundle() == nil:
		f.focus(f.chooseBtn)
	case f.items == nil && !f.checking:
		f.check()
		f.focus(f.checkBtn)
	case len(f.shown) > 0:
		f.focus(f.list)
	default:
		f.focus(f.checkBtn)
	}
}

func (f *fleetScreen) focus(o fyne.Focusable) {
	if w := f.act.win(); w != nil {
		w.Canvas().Focus(o)
	}
}

// check reads every org against the bundle, off the UI goroutine.
func (f *fleetScreen) check() {
	b := f.act.bundle()
	svc := f.act.svc()
	keys := f.m.keys()
	if b == nil || svc == nil || f.checking || len(keys) == 0 {
		f.update()
		return
	}
	f.checking = true
	f.update()
	fp, size := b.Fingerprint(), b.Size()
	f.act.goWork(func(ctx context.Context) {
		rows := svc.Fleet(ctx, keys, fp, size, "", 0)
		f.act.do(func() { f.landed(fp, rows) })
	})
}

// landed shows a check's rows and, after the first, what changed.
func (f *fleetScreen) landed(fp string, rows []service.FleetRow) {
	f.checking = false
	if b := f.act.bundle(); b == nil || b.Fingerprint() != fp {
		f.update() // the bundle changed meanwhile: this check is stale
		return
	}
	f.applyCheck(fp, rows)
	if w := f.act.win(); w != nil && f.shownTab && len(f.shown) > 0 {
		if cur := w.Canvas().Focused(); cur == nil || cur == f.checkBtn {
			w.Canvas().Focus(f.list) // the rows are the next step
		}
	}
}

// applyCheck shows the rows of a check of bundle fp and what changed
// since the last check of the same bundle: the UI work of a refresh.
func (f *fleetScreen) applyCheck(fp string, rows []service.FleetRow) {
	seen := make([]connector.FleetSeen, len(rows))
	for i, r := range rows {
		seen[i] = r.Seen()
	}
	var changes []connector.FleetChange
	if f.seen != nil && f.bundleFP == fp {
		changes = connector.FleetChanges(f.seen, seen)
	}
	f.seen, f.bundleFP, f.checked = seen, fp, time.Now()
	f.setRows(rows)
	f.showChanges(changes)
	f.relayout()
}

// setRows makes the items of a check and redraws: the UI work of a refresh.
func (f *fleetScreen) setRows(rows []service.FleetRow) {
	keep := connector.Key{}
	if f.sel >= 0 && f.sel < len(f.items) {
		keep = f.items[f.sel].row.Key
	}
	f.items = make([]fleetItem, len(rows))
	f.sel = -1
	for i, r := range rows {
		f.items[i] = fleetItemOf(r)
		if r.Key == keep {
			f.sel = i
		}
	}
	f.refilter()
	f.update()
}

// fleetItemOf makes the texts of one row.
func fleetItemOf(r service.FleetRow) fleetItem {
	it := fleetItem{row: r, name: keyText(r.Key), state: fleetStateText(r.State), tone: fleetTone(r.State)}
	if r.Org != nil {
		it.org = r.Org.DisplayName()
	}
	v := r.Version
	switch {
	case r.Problem != nil:
		it.version, it.detail = problemText(r.Problem)
	case v == nil || v.Provenance == connector.ProvAbsent:
		it.version = lang.L("No {{.Resource}} in this org yet", map[string]any{"Resource": r.Resource})
	default:
		it.when = v.When()
		it.version, it.detail = fleetVersionText(v)
	}
	it.search = strings.ToLower(it.name + " " + it.org + " " + it.state + " " + r.Connector)
	return it
}

// fleetVersionText says what version the org holds, and when and by whom.
func fleetVersionText(v *connector.OrgVersion) (version, detail string) {
	args := map[string]any{"Version": connector.ShortVersion(v.Fingerprint), "When": formatTime(v.When()), "Who": userText(v.Who()), "App": v.AppVersion}
	switch v.Provenance {
	case connector.ProvOutside:
		return lang.L("Changed outside Connectors"), lang.L("{{.When}} by {{.Who}}", args)
	case connector.ProvForeign:
		return lang.L("Not published with Connectors"), lang.L("Last modified {{.When}} by {{.Who}}", args)
	}
	if v.Publisher != "" {
		args["Who"] = v.Publisher
	}
	version = lang.L("Version {{.Version}}", args)
	if v.AppVersion != "" {
		version = lang.L("Version {{.Version}} (app {{.App}})", args)
	}
	return version, lang.L("Published {{.When}} by {{.Who}}", args)
}

// fleetStateText is a fleet state in the app's language.
func fleetStateText(s connector.FleetState) string {
	return catalogue("format.fleet."+string(s), s.Label(), nil)
}

// fleetTone is the colour of a fleet state: green current, amber for what
// a publish or a person must fix or could not be read (red is kept for
// production and destructive actions).
func fleetTone(s connector.FleetState) tone {
	switch s {
	case connector.FleetCurrent:
		return toneGood
	case connector.FleetBehind, connector.FleetChangedOutside, connector.FleetNeedsAuthorization, connector.FleetUnreachable:
		return toneWarn
	}
	return toneNeutral
}

// fleetRank orders states worst first: what needs a person, then what a
// publish fixes, then what is fine.
func fleetRank(s connector.FleetState) int {
	order := []connector.FleetState{connector.FleetNeedsAuthorization, connector.FleetUnreachable, connector.FleetChangedOutside,
		connector.FleetBehind, connector.FleetAbsent, connector.FleetCurrent}
	if i := slices.Index(order, s); i >= 0 {
		return i
	}
	return len(order)
}

// onSearch filters the rows: the work of one keystroke.
func (f *fleetScreen) onSearch(q string) {
	f.query = strings.ToLower(strings.TrimSpace(q))
	f.refilter()
	f.list.Refresh()
}

// onFilter shows one state, or all.
func (f *fleetScreen) onFilter(string) {
	i := f.stateSel.SelectedIndex()
	next := connector.FleetState("")
	if i > 0 && i-1 < len(f.stateOpts) {
		next = f.stateOpts[i-1]
	}
	if next == f.filter {
		return
	}
	f.filter = next
	f.refilter()
	f.list.Refresh()
}

// sortOn sorts by col; the same column again reverses the order.
func (f *fleetScreen) sortOn(col fleetSort) {
	if f.sortBy == col {
		f.desc = !f.desc
	} else {
		f.sortBy, f.desc = col, false
	}
	f.refreshHeader()
	f.refilter()
	f.list.Refresh()
}

// refilter recomputes the shown rows from the items, the search, the
// state filter and the sort.
func (f *fleetScreen) refilter() {
	f.shown = f.shown[:0]
	for i := range f.items {
		it := &f.items[i]
		if f.filter != "" && it.row.State != f.filter {
			continue
		}
		if f.query != "" && !strings.Contains(it.search, f.query) {
			continue
		}
		f.shown = append(f.shown, i)
	}
	slices.SortStableFunc(f.shown, func(a, b int) int {
		c := f.compare(&f.items[a], &f.items[b])
		if f.desc {
			c = -c
		}
		return c
	})
	if n := len(f.shown); f.list.focus >= n {
		f.list.focus = max(n-1, 0)
	}
	// the list selects by position: keep it on the row shown in full
	f.list.UnselectAll()
	if pos := slices.Index(f.shown, f.sel); pos >= 0 && f.sel >= 0 {
		f.list.Select(pos)
	}
	f.empty.SetText(f.emptyText())
	if setVisible(f.empty, f.empty.Text != "") && f.top != nil {
		f.relayout()
	}
}

// compare orders two rows by the sort column, then by name.
func (f *fleetScreen) compare(a, b *fleetItem) int {
	c := 0
	switch f.sortBy {
	case sortProduction:
		c = boolRank(b.row.Production) - boolRank(a.row.Production)
	case sortState:
		c = fleetRank(a.row.State) - fleetRank(b.row.State)
	case sortVersion:
		c = b.when.Compare(a.when) // latest first
	}
	if c == 0 {
		c = strings.Compare(strings.ToLower(a.name), strings.ToLower(b.name))
	}
	return c
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// refreshHeader names the columns, the sorted one with its direction.
func (f *fleetScreen) refreshHeader() {
	names := []string{lang.L("Connector and org"), lang.L("Environment"), lang.L("State"), lang.L("Version in the org")}
	for i, b := range f.header {
		t := names[i]
		if fleetSort(i) == f.sortBy {
			if f.desc {
				t += " ▲"
			} else {
				t += " ▼"
			}
		}
		b.SetText(t)
	}
}

// toNeed are the connectors a publish brings up: behind or absent.
func (f *fleetScreen) toNeed() (keys []connector.Key, behind, absent int) {
	for _, it := range f.items {
		switch it.row.State {
		case connector.FleetBehind:
			behind++
		case connector.FleetAbsent:
			absent++
		default:
			continue
		}
		keys = append(keys, it.row.Key)
	}
	return keys, behind, absent
}

// onPublish publishes the bundle to the orgs behind (and those without
// it); production ones ask as every publish does.
func (f *fleetScreen) onPublish() {
	keys, _, _ := f.toNeed()
	if len(keys) > 0 && !f.checking {
		f.act.publish(keys)
	}
}

// onOpen shows the selected row's connector in the Connectors tab.
func (f *fleetScreen) onOpen() {
	if f.sel >= 0 && f.sel < len(f.items) {
		f.act.openConnector(f.items[f.sel].row.Key)
	}
}

// selectShown shows the details of the i-th shown row.
func (f *fleetScreen) selectShown(i int) {
	if i < 0 || i >= len(f.shown) {
		return
	}
	f.sel = f.shown[i]
	f.updateDetail()
}

// update redraws everything but the rows: the intro, the buttons, the
// status, the counts, the filter's options and the details.
func (f *fleetScreen) update() {
	if f.body == nil {
		return
	}
	b := f.act.bundle()
	if b == nil {
		f.intro.SetText(lang.L("Choose a content bundle first: this tab shows, for every connector, whether its org holds it."))
	} else {
		f.intro.SetText(lang.L("Each org against {{.Bundle}} (version {{.Version}}). Checking only reads: nothing is published.",
			map[string]any{"Bundle": f.bundleName(b), "Version": connector.ShortVersion(b.Fingerprint())}) + " " + f.statusText())
	}
	setVisible(f.chooseBtn, b == nil)
	setVisible(f.checkBtn, b != nil)
	setVisible(f.watchCheck, b != nil)
	if b == nil || f.checking || len(f.m.connectors) == 0 {
		f.checkBtn.Disable()
	} else {
		f.checkBtn.Enable()
	}
	f.updateCounts()
	f.updatePublish()
	f.updateDetail()
	f.relayout()
}

// relayout lays the tab out again: a line shown or hidden above the rows
// changes where the rows start (a hidden label left its space behind).
func (f *fleetScreen) relayout() {
	f.top.Refresh()
	f.body.Refresh()
}

// bundleName is the bundle's file or folder name.
func (f *fleetScreen) bundleName(b *packaging.Bundle) string {
	if d := f.act.demo(); d != nil && b == d.Bundle {
		return lang.L("Sample content (built in)")
	}
	src := b.Source()
	if i := strings.LastIndexAny(src, `/\`); i >= 0 && i < len(src)-1 {
		src = src[i+1:]
	}
	return src
}

// statusText says whether and when the orgs were checked.
func (f *fleetScreen) statusText() string {
	n := len(f.m.connectors)
	switch {
	case n == 0:
		return lang.L("No connectors yet: add one in the Connectors tab.")
	case f.checking:
		return lang.L("Checking {{.Count}} orgs…", map[string]any{"Count": n})
	case f.checked.IsZero():
		return lang.L("Not checked yet.")
	}
	return lang.L("Checked {{.When}}: {{.Count}} orgs.", map[string]any{"When": formatTime(f.checked), "Count": len(f.items)})
}

// updateCounts shows a count per state and offers them in the filter.
func (f *fleetScreen) updateCounts() {
	counts := map[connector.FleetState]int{}
	for _, it := range f.items {
		counts[it.row.State]++
	}
	var parts []string
	f.stateOpts = f.stateOpts[:0]
	opts := []string{lang.L("All states ({{.Count}})", map[string]any{"Count": len(f.items)})}
	for _, s := range connector.FleetStates {
		if counts[s] == 0 {
			continue
		}
		text := lang.L("{{.State}}: {{.Count}}", map[string]any{"State": fleetStateText(s), "Count": counts[s]})
		parts = append(parts, text)
		f.stateOpts = append(f.stateOpts, s)
		opts = append(opts, text)
	}
	f.counts.SetText(strings.Join(parts, "  ·  "))
	setVisible(f.counts, len(parts) > 0)
	f.stateSel.Options = opts
	idx := 0
	if i := slices.Index(f.stateOpts, f.filter); i >= 0 {
		idx = i + 1
	} else if f.filter != "" {
		f.filter = "" // its state is gone: show all
		f.refilter()
	}
	w := float32(0)
	for _, o := range opts {
		w = max(w, fyne.MeasureText(o, theme.TextSize(), fyne.TextStyle{}).Width)
	}
	f.selWidth.w = w + theme.IconInlineSize() + 6*theme.Padding()
	f.stateSel.OnChanged = nil
	f.stateSel.SetSelectedIndex(idx)
	f.stateSel.OnChanged = f.onFilter
}

func (f *fleetScreen) updatePublish() {
	keys, behind, absent := f.toNeed()
	args := map[string]any{"Count": len(keys), "Behind": behind, "Absent": absent}
	if absent == 0 {
		f.publishBtn.SetText(lang.L("Publish to the {{.Count}} behind", args))
	} else {
		f.publishBtn.SetText(lang.L("Publish to the {{.Count}} not up to date", args)) // behind or without it: the counts say which
	}
	setVisible(f.publishBtn, len(keys) > 0)
	if f.checking {
		f.publishBtn.Disable()
	} else {
		f.publishBtn.Enable()
	}
}

// updateDetail shows the selected row in full.
func (f *fleetScreen) updateDetail() {
	if f.sel < 0 || f.sel >= len(f.items) {
		f.detail.SetText(lang.L("Select a row (arrow keys, then Enter or Space) to see it in full."))
		setVisible(f.detailFix, false)
		f.openBtn.Disable()
		return
	}
	it := f.items[f.sel]
	head := it.name + " — " + it.state
	if it.org != "" {
		head = it.name + " (" + it.org + ") — " + it.state
	}
	if it.row.Production {
		head = strings.ToUpper(envText(connector.Production)) + " · " + head
	}
	f.detail.SetText(head + "\n" + it.version)
	f.detailFix.SetText(it.detail)
	setVisible(f.detailFix, it.detail != "")
	f.openBtn.Enable()
}

// showChanges says what changed since the last check; with the watch on,
// changes for the worse also raise a desktop notification and the tray's
// summary.
func (f *fleetScreen) showChanges(changes []connector.FleetChange) {
	summary := f.counts.Text
	if f.watchStop != nil {
		f.act.setTray(lang.L("Fleet: {{.Summary}}", map[string]any{"Summary": summary}))
	}
	if f.seen == nil || len(changes) == 0 {
		f.changes.SetText("")
		setVisible(f.changes, false)
		return
	}
	lines := make([]string, len(changes))
	for i, c := range changes {
		lines[i] = fleetChangeText(c)
	}
	f.changes.SetText(lang.L("Since the last check:") + "\n" + strings.Join(lines, "\n"))
	setVisible(f.changes, true)
	alerts := connector.FleetAlerts(changes)
	if alerts == 0 || f.watchStop == nil {
		return
	}
	body := lines
	if len(body) > 3 {
		body = append(body[:3:3], lang.L("and {{.Count}} more", map[string]any{"Count": len(lines) - 3}))
	}
	f.act.notify(fyne.NewNotification(lang.L("Fleet: {{.Count}} changes need attention", map[string]any{"Count": alerts}),
		strings.Join(body, "\n")))
}

// fleetChangeText is one change in the app's language.
func fleetChangeText(c connector.FleetChange) string {
	name := c.Connector
	if k, err := connector.ParseKey(c.Connector); err == nil {
		name = keyText(k)
	}
	args := map[string]any{"Connector": name, "From": fleetStateText(c.From), "To": fleetStateText(c.To)}
	switch c.From {
	case "":
		return lang.L("{{.Connector}}: new, {{.To}}", args)
	case c.To:
		return lang.L("{{.Connector}}: changed outside Connectors again", args)
	}
	return lang.L("{{.Connector}}: {{.From}} → {{.To}}", args)
}

// onWatch switches the scheduled re-check on or off.
func (f *fleetScreen) onWatch(on bool) {
	if f.watchStop != nil {
		f.watchStop()
		f.watchStop = nil
	}
	if !on {
		f.act.setTray("")
		return
	}
	ctx, cancel := context.WithCancel(f.act.ctx())
	f.watchStop = cancel
	if f.items == nil {
		f.check()
	}
	period := f.every
	// not a job: it waits until the switch or the window closes
	go every(ctx, period, func() { f.act.do(f.check) })
}

// fleetCols lays out the header and each row in the same four columns:
// the connector and org take what is left after the fixed badges, shared
// with the version.
type fleetCols struct {
	prodW, stateW float32
}

func newFleetColumns() *fleetCols {
	prod := newStatusBadge(strings.ToUpper(envText(connector.Production)), toneDanger).MinSize().Width
	st := float32(0)
	for _, s := range connector.FleetStates {
		st = max(st, newStatusBadge(fleetStateText(s), fleetTone(s)).MinSize().Width)
	}
	hdr := max(widget.NewButton(lang.L("Environment")+" ▼", nil).MinSize().Width, widget.NewButton(lang.L("State")+" ▼", nil).MinSize().Width)
	return &fleetCols{prodW: max(prod, hdr), stateW: max(st, hdr)}
}

func (c *fleetCols) widths(w float32) [fleetColumns]float32 {
	pad := theme.Padding()
	rest := max(w-c.prodW-c.stateW-3*pad, 0)
	name := rest * 0.45
	return [fleetColumns]float32{name, c.prodW, c.stateW, rest - name}
}

func (c *fleetCols) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	ws := c.widths(size.Width)
	x := float32(0)
	for i, w := range ws {
		if i >= len(objs) {
			break
		}
		o := objs[i]
		h := size.Height
		y := float32(0)
		if i == int(sortProduction) || i == int(sortState) {
			h = min(o.MinSize().Height, size.Height)
			y = (size.Height - h) / 2
		}
		o.Move(fyne.NewPos(x, y))
		o.Resize(fyne.NewSize(w, h))
		x += w + theme.Padding()
	}
}

func (c *fleetCols) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(c.prodW+c.stateW+240+3*theme.Padding(), h)
}

var _ fyne.Layout = (*fleetCols)(nil)

// minWidth lays out one object at least w wide.
type minWidth struct{ w float32 }

func (m *minWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (m *minWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(m.w, 0)
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}
