package ui

import (
	"context"
	"image/color"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/connectors-app/connectors/connector"
)

// listScreen is "All connectors": one row per system × environment with its
// live status, a box to tick to publish to several at once, and Add system.
type listScreen struct {
	m        *model // what it reads
	act      listActions
	list     *connList
	checking map[connector.Key]bool
	empty    *widget.Label
	errLabel *widget.Label
	count    *widget.Label // "20 connectors", "3 of 20 shown"

	search     *widget.Entry
	filter     *widget.Select // by state
	filterKeys []string       // the filter's options: "" (all), a connector.State, or filterDrift
	filterKey  string         // the chosen one
	selectSbx  *button
	shown      []int      // indices into m.connectors: production first, then the rest, filtered
	items      []listItem // the list's lines: shown, with group headers
	addBtn     *button
	refreshBtn *button
	diagBtn    *button
	exportBtn  *button
	selecting  bool
	settingOpt bool
	rows       map[fyne.CanvasObject]*row // list item container -> its widgets
	rowH       float32

	// the open Add system dialog and its fields, for tests
	addDialog *formDialog
	addName   *entry
	addEnv    *choice
	addNamed  *entry
	addAdv    *disclosure // the developer settings, closed at first
	top       *fyne.Container
	root      *fyne.Container
}

// listItem is one line of the list: a group header, or a connector.
type listItem struct {
	header string // the group's title; "" for a connector
	shown  int    // the connector: an index into shown
}

// filterDrift is the filter option of the connectors changed outside
// Connectors (not a connector.State: it comes with any state).
const filterDrift = "changed_outside"

func newListScreen(v *view) *listScreen {
	l := &listScreen{
		m:        v.model,
		act:      v.listActions(),
		checking: map[connector.Key]bool{},
		rows:     map[fyne.CanvasObject]*row{},
	}
	l.addBtn = btn(&button{Button: widget.Button{Text: lang.L("Add system"), Icon: theme.ContentAddIcon(), OnTapped: l.onAddSystem}})
	l.refreshBtn = btn(&button{Button: widget.Button{Text: lang.L("Check now"), Icon: theme.ViewRefreshIcon(), OnTapped: l.onCheckNow}})
	// the rarer actions are icons with a tooltip, which also shows when
	// the keyboard reaches them
	l.diagBtn = btn(&button{Button: widget.Button{Icon: theme.ContentCopyIcon(), OnTapped: l.act.copyDiagnostics},
		tip: lang.L("Copy diagnostics"), tips: l.act.tips})
	l.exportBtn = newExportButton(l.act.exportConnectors)
	l.exportBtn.tip, l.exportBtn.tips, l.exportBtn.Text = l.exportBtn.Text, l.act.tips, ""
	l.empty = &widget.Label{Text: lang.L("No connectors yet. Add a system, or pick an environment and authorize."), Wrapping: fyne.TextWrapWord}
	l.errLabel = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	setVisible(l.errLabel, false)
	l.count = &widget.Label{SizeName: theme.SizeNameCaptionText, Alignment: fyne.TextAlignTrailing}
	l.search = &widget.Entry{PlaceHolder: lang.L("Search…"), OnChanged: l.onSearch}
	l.search.ExtendBaseWidget(l.search)
	l.filter = widget.NewSelect(nil, nil)
	l.filter.OnChanged = func(string) { l.onFilter() }
	l.selectSbx = btn(&button{Button: widget.Button{Text: lang.L("Tick all sandboxes"), Icon: theme.CheckButtonCheckedIcon(), OnTapped: l.onSelectSandboxes}})
	l.list = newConnList(l)
	l.updateFilterOptions()
	return l
}

func (l *listScreen) build() fyne.CanvasObject {
	// the count always shows in full; a narrow sidebar cuts the title instead
	title := &widget.Label{Text: lang.L("All connectors"), TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText,
		Truncation: fyne.TextTruncateEllipsis}
	top := container.NewVBox(container.NewBorder(nil, nil, nil, l.count, title),
		container.NewGridWithColumns(2, l.search, l.filter), l.selectSbx, l.errLabel, l.empty, widget.NewSeparator())
	l.top = top
	// Add system, then a compact row: Check now and two icons
	tools := container.NewBorder(nil, nil, nil, container.NewHBox(l.diagBtn, l.exportBtn), l.refreshBtn)
	bottom := container.NewVBox(widget.NewSeparator(), l.addBtn, tools)
	// the rows scroll on a background of their own: a row cut at the top
	// reads as scrolled, not as hidden under the buttons
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.InputRadiusSize()
	// in Tab order: the controls above, the list, the buttons below
	l.root = container.New(layout.NewBorderLayout(top, bottom, nil, nil), top, container.NewStack(bg, l.list), bottom)
	return container.NewPadded(l.root)
}

// row is the template of one list item: a connector's row, or a group's
// header.
type row struct {
	ring   *canvas.Rectangle // the keyboard's focus
	strip  *canvas.Rectangle // red for a production target
	check  *tickBox
	title  *tipLabel // the full name and org show as a tooltip when cut off
	sub    *tipLabel
	prod   *statusBadge // PRODUCTION: never cut off
	badge  *statusBadge
	drift  *statusBadge // changed outside Connectors
	header *widget.Label
	body   *fyne.Container
}

func (l *listScreen) createRow() fyne.CanvasObject {
	r := &row{
		ring:   newRing(),
		strip:  canvas.NewRectangle(color.Transparent),
		check:  newTickBox(),
		title:  newTipLabel(fyne.TextStyle{Bold: true}, "", l.act.tips),
		sub:    newTipLabel(fyne.TextStyle{}, theme.SizeNameCaptionText, l.act.tips),
		prod:   newStatusBadge(strings.ToUpper(envText(connector.Production)), toneDanger),
		badge:  newStatusBadge("", toneNeutral),
		drift:  newStatusBadge(lang.L("Changed outside"), toneWarn),
		header: &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameCaptionText, Truncation: fyne.TextTruncateEllipsis},
	}
	// the name gets the row's width less the production badge; the state
	// badges share the second line
	setVisible(r.drift, false)
	setVisible(r.prod, false)
	setVisible(r.header, false)
	texts := container.New(&tightVBox{},
		container.NewBorder(nil, nil, nil, container.NewCenter(r.prod), r.title),
		container.NewBorder(nil, nil, nil, container.NewCenter(container.NewHBox(r.drift, r.badge)), r.sub))
	r.strip.SetMinSize(fyne.NewSize(4, 0))
	r.body = container.NewBorder(nil, nil, container.NewHBox(r.strip, r.check), nil, texts)
	c := container.NewStack(r.ring, r.body, r.header)
	l.rows[c] = r
	return c
}

// rowHeight is a connector row's height.
func (l *listScreen) rowHeight() float32 {
	if l.rowH == 0 {
		o := l.createRow()
		delete(l.rows, o) // only measured
		l.rowH = o.MinSize().Height
	}
	return l.rowH
}

func (l *listScreen) updateRow(id widget.ListItemID, obj fyne.CanvasObject) {
	r := l.rows[obj]
	if r == nil || id < 0 || id >= len(l.items) {
		return
	}
	it := l.items[id]
	r.showHeader(it.header)
	if it.header != "" {
		return
	}
	c := l.m.connectors[l.shown[it.shown]]
	k := c.Key()
	setLabel(&r.title.Label, k.System)
	drift := driftOf(c, l.m.status)
	sub := rowSub(c, drift)
	prod, strip := false, color.Color(color.Transparent)
	if c.IsProductionTarget() {
		prod, strip = true, theme.Color(theme.ColorNameError)
	}
	if r.strip.FillColor != strip {
		r.strip.FillColor = strip
		r.strip.Refresh()
	}
	setLabel(&r.sub.Label, sub)
	tip := rowTip(c, sub)
	r.title.SetTip(tip)
	r.sub.SetTip(tip)
	r.check.Set(l.m.ticked[k])
	r.check.onTap = func() { l.onChecked(k, !l.m.ticked[k]) }
	text, t := l.badgeFor(c)
	relayout := r.badge.text != text || r.badge.tone != t // the badge's width may change
	if relayout {
		r.badge.Set(text, t)
	}
	relayout = setShown(r.prod, prod) || relayout
	relayout = setShown(r.drift, drift != nil) || relayout
	if relayout {
		obj.Refresh()
	}
	r.setRing(l.list.focused && it.shown == l.list.focus)
}

// rowSub is a row's second line: the environment and the org (the badge
// says PRODUCTION for a Production connector), and a drift if any.
func rowSub(c connector.Connector, drift *connector.Drift) string {
	k := c.Key()
	sub := envText(k.Environment)
	if c.Org != nil && c.Org.OrgName != "" {
		sub += " · " + c.Org.OrgName
		if k.Environment == connector.Production {
			sub = c.Org.OrgName
		}
	}
	if drift != nil {
		sub += " · " + driftShort(drift)
	}
	return sub
}

// setShown shows or hides o and reports whether that changed.
func setShown(o fyne.CanvasObject, on bool) bool {
	if o.Visible() == on {
		return false
	}
	setVisible(o, on)
	return true
}

// showHeader makes the line a group's header (text) or a connector's row ("").
func (r *row) showHeader(text string) {
	header := text != ""
	if header {
		setLabel(r.header, text)
		r.setRing(false)
	}
	setShown(r.header, header)
	setShown(r.body, !header)
}

// setRing draws or hides the focus ring.
func (r *row) setRing(on bool) {
	ring := color.Color(color.Transparent)
	if on {
		ring = theme.Color(theme.ColorNameForeground)
	}
	if r.ring.StrokeColor != ring {
		r.ring.StrokeColor = ring
		r.ring.Refresh()
	}
}

// badgeFor is the row badge of c: connector.StateOf its live status, else
// of what is stored (the card shows the same), or "checking" meanwhile.
func (l *listScreen) badgeFor(c connector.Connector) (string, tone) {
	k := c.Key()
	st, ok := l.m.status[k]
	if !ok && l.checking[k] && c.Org != nil {
		return stateText(""), toneNeutral
	}
	var live *connector.Status
	if ok {
		live = &st
	}
	state := connector.StateOf(c, live)
	return stateText(state), stateTone(state)
}

// setLabel changes a label's text only when it differs (SetText always redraws).
func setLabel(l *widget.Label, text string) {
	if l.Text != text {
		l.SetText(text)
	}
}

func (l *listScreen) refresh() {
	l.rebuild()
	setVisible(l.errLabel, false)
	setVisible(l.empty, len(l.m.connectors) == 0)
	if l.top != nil {
		l.top.Refresh()
		l.root.Refresh()
	}
	l.list.Refresh()
	l.markSelected(l.m.selected)
}

// refreshKey redraws k's row after a new status; the filter's counts
// change, and under a filter by state the row may come or go.
func (l *listScreen) refreshKey(k connector.Key) {
	l.updateFilterOptions()
	if l.filterKey != "" {
		l.rebuild()
		l.list.Refresh()
		l.markSelected(l.m.selected)
		return
	}
	for i, ci := range l.shown {
		if l.m.connectors[ci].Key() == k {
			l.list.RefreshItem(l.itemOf(i))
			return
		}
	}
}

// rebuild orders and filters the rows: production targets first, under
// their own header and marked in red, then the others; the search matches
// the system, the environment, the org name and the org ID, the filter
// the state.
func (l *listScreen) rebuild() {
	prodN := l.filterShown()
	// the old headers' heights go back to a row's
	old := l.items
	l.items = nil
	for id, it := range old {
		if it.header != "" {
			l.list.SetItemHeight(id, l.rowHeight())
		}
	}
	grouped := prodN > 0 && prodN < len(l.shown)
	for i := range l.shown {
		switch {
		case grouped && i == 0:
			l.addHeader(lang.L("Production orgs ({{.Count}})", map[string]any{"Count": prodN}))
		case grouped && i == prodN:
			l.addHeader(lang.L("Sandboxes and others ({{.Count}})", map[string]any{"Count": len(l.shown) - prodN}))
		}
		l.items = append(l.items, listItem{shown: i})
	}
	l.list.focus = min(l.list.focus, max(len(l.shown)-1, 0))
	l.updateCount()
	l.updateFilterOptions()
}

// filterShown puts in shown the connectors the search and the filter
// keep, production first; it returns how many are production targets.
func (l *listScreen) filterShown() (prodN int) {
	q := strings.ToLower(strings.TrimSpace(l.search.Text))
	l.shown = l.shown[:0]
	for _, prodPass := range []bool{true, false} {
		for i, c := range l.m.connectors {
			if c.IsProductionTarget() != prodPass || (q != "" && !matches(c, q)) || !l.passes(c) {
				continue
			}
			l.shown = append(l.shown, i)
			if prodPass {
				prodN++
			}
		}
	}
	return prodN
}

// addHeader adds a group's header line to the list.
func (l *listScreen) addHeader(text string) {
	l.items = append(l.items, listItem{header: text, shown: -1})
	h := (&widget.Label{Text: text, TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameCaptionText}).MinSize().Height
	l.list.SetItemHeight(len(l.items)-1, h)
}

// itemOf is the list line of the i-th connector shown (-1: none).
func (l *listScreen) itemOf(i int) int {
	for id, it := range l.items {
		if it.header == "" && it.shown == i {
			return id
		}
	}
	return -1
}

// updateCount says how many connectors there are, or how many of them the
// search and the filter show.
func (l *listScreen) updateCount() {
	total := len(l.m.connectors)
	text := ""
	switch {
	case total == 0:
	case len(l.shown) < total:
		text = lang.L("{{.Shown}} of {{.Count}} shown", map[string]any{"Shown": len(l.shown), "Count": total})
	case total == 1:
		text = lang.L("1 connector")
	default:
		text = lang.L("{{.Count}} connectors", map[string]any{"Count": total})
	}
	setLabel(l.count, text)
}

// stateOf is the state c's row shows (connector.StateOf its live status,
// else of what is stored).
func (l *listScreen) stateOf(c connector.Connector) connector.State {
	var live *connector.Status
	if st, ok := l.m.status[c.Key()]; ok {
		live = &st
	}
	return connector.StateOf(c, live)
}

// passes reports whether c is in the state the filter asks for.
func (l *listScreen) passes(c connector.Connector) bool {
	switch l.filterKey {
	case "":
		return true
	case filterDrift:
		return driftOf(c, l.m.status) != nil
	}
	return string(l.stateOf(c)) == l.filterKey
}

// updateFilterOptions offers the states the connectors are in, each with
// how many are in it, and "Changed outside" when some are.
func (l *listScreen) updateFilterOptions() {
	counts := map[string]int{}
	for _, c := range l.m.connectors {
		counts[string(l.stateOf(c))]++
		if driftOf(c, l.m.status) != nil {
			counts[filterDrift]++
		}
	}
	keys, opts := []string{""}, []string{lang.L("All states")}
	for _, st := range connector.States() {
		if n := counts[string(st)]; n > 0 || l.filterKey == string(st) {
			keys = append(keys, string(st))
			opts = append(opts, stateText(st)+" ("+strconv.Itoa(n)+")")
		}
	}
	if n := counts[filterDrift]; n > 0 || l.filterKey == filterDrift {
		keys = append(keys, filterDrift)
		opts = append(opts, lang.L("Changed outside")+" ("+strconv.Itoa(n)+")")
	}
	l.filterKeys = keys
	l.settingOpt = true
	defer func() { l.settingOpt = false }()
	if !slices.Equal(l.filter.Options, opts) {
		l.filter.Options = opts
	}
	l.filter.SetSelectedIndex(slices.Index(keys, l.filterKey))
}

// onFilter shows the connectors in the chosen state.
func (l *listScreen) onFilter() {
	i := l.filter.SelectedIndex()
	if l.settingOpt || i < 0 || i >= len(l.filterKeys) {
		return
	}
	l.filterKey = l.filterKeys[i]
	l.rebuild()
	l.list.Refresh()
	l.markSelected(l.m.selected)
}

// matches reports whether the connector's names contain q (lower case).
func matches(c connector.Connector, q string) bool {
	hay := strings.ToLower(c.System + " " + string(c.Environment) + " " + envText(c.Environment))
	if c.Org != nil {
		hay += " " + strings.ToLower(c.Org.OrgName+" "+c.Org.OrgID+" "+c.Org.Username)
	}
	return strings.Contains(hay, q)
}

// onSearch filters the list as the user types.
func (l *listScreen) onSearch(string) {
	l.rebuild()
	l.list.Refresh()
	l.markSelected(l.m.selected)
}

// onSelectSandboxes ticks every connector shown that is not a production
// target, so a consultant can publish to all sandboxes at once.
func (l *listScreen) onSelectSandboxes() {
	var keys []connector.Key
	for _, i := range l.shown {
		if c := l.m.connectors[i]; !c.IsProductionTarget() {
			keys = append(keys, c.Key())
		}
	}
	l.act.tickAll(keys)
}

func (l *listScreen) setChecking(k connector.Key, on bool) {
	if on {
		l.checking[k] = true
	} else {
		delete(l.checking, k)
	}
}

func (l *listScreen) showError(err error) {
	l.errLabel.SetText(problemLine(err))
	setVisible(l.errLabel, true)
	l.top.Refresh()
	l.root.Refresh()
}

// markSelected highlights k's row (or none) without re-entering selectKey,
// puts the keyboard's ring on it and scrolls to it.
func (l *listScreen) markSelected(k connector.Key) {
	l.selecting = true
	defer func() { l.selecting = false }()
	for i, ci := range l.shown {
		if l.m.connectors[ci].Key() == k {
			if l.list.focus != i {
				old := l.list.focus
				l.list.focus = i
				l.list.refreshFocus(old)
			}
			l.list.Select(l.itemOf(i))
			l.list.reveal(i)
			return
		}
	}
	l.list.UnselectAll()
}

// onSelected shows the connector of a line the pointer chose.
func (l *listScreen) onSelected(id widget.ListItemID) {
	if l.selecting || id < 0 || id >= len(l.items) {
		return
	}
	it := l.items[id]
	if it.header != "" { // a header is not a choice
		l.markSelected(l.m.selected)
		return
	}
	if l.list.focus != it.shown {
		old := l.list.focus
		l.list.focus = it.shown
		l.list.refreshFocus(old)
		l.list.refreshFocus(it.shown)
	}
	l.act.selectKey(l.m.connectors[l.shown[it.shown]].Key())
}

// openShown shows the i-th connector shown in the Connectors tab.
func (l *listScreen) openShown(i int) {
	if i >= 0 && i < len(l.shown) {
		l.act.showConnector(l.m.connectors[l.shown[i]].Key())
	}
}

// toggleShown ticks or unticks the i-th connector shown.
func (l *listScreen) toggleShown(i int) {
	if i >= 0 && i < len(l.shown) {
		k := l.m.connectors[l.shown[i]].Key()
		l.onChecked(k, !l.m.ticked[k])
	}
}

func (l *listScreen) onChecked(k connector.Key, on bool) { l.act.tick(k, on) }

// checkedKeys lists the ticked connectors in list order.
func (l *listScreen) checkedKeys() []connector.Key { return l.m.tickedKeys() }

// onModel redraws the list when the model changes: the whole list for a
// new list or ticks, one row for a status.
func (l *listScreen) onModel(ev modelEvent) {
	switch ev.Kind {
	case connectorsChanged:
		l.refresh()
	case statusChanged:
		l.refreshKey(ev.Key)
	case selectionChanged:
		l.markSelected(l.m.selected)
	case ticksChanged:
		l.list.Refresh()
	}
}

func (l *listScreen) onCheckNow() { l.act.checkAll(l.m.keys()) }

// showProgress shows how far a round of checks is on the Check now button:
// "Checking 3 of 20…" until every result landed. The button stays enabled:
// tapping it again checks everything again.
func (l *listScreen) showProgress(done, total int) {
	text := lang.L("Check now")
	if done < total {
		text = lang.L("Checking {{.Done}} of {{.Total}}…", map[string]any{"Done": done, "Total": total})
	}
	if l.refreshBtn.Text != text {
		l.refreshBtn.SetText(text)
	}
}

// onAddSystem asks for a system name and an environment and creates the
// connector; there is one connector per system × environment. An admin who
// brings their own External Client App also gives its consumer key and the
// callback ports registered in it.
func (l *listScreen) onAddSystem() {
	name := newEntry(&entry{Entry: widget.Entry{PlaceHolder: "Lightning", Validator: localValidator(connector.ValidateSystemName)}})
	// Production, Sandbox, Test, then a named sandbox or production environment
	env := newChoiceSelect(append(envOptions(), lang.L("Other sandbox (UAT, QA…)"), lang.L("Other production org")))
	env.SetSelectedIndex(1)
	named := newEntry(&entry{Entry: widget.Entry{PlaceHolder: "UAT", Validator: localValidator(func(s string) error {
		if i := env.SelectedIndex(); i < len(connector.Environments) {
			return nil
		}
		_, err := connector.NamedEnvironment(s, connector.Sandbox)
		return err
	})}})
	// the OAuth client settings are for developers: behind a disclosure
	clientID := newEntry(&entry{Entry: widget.Entry{PlaceHolder: connector.DefaultClientID}})
	ports := newEntry(&entry{Entry: widget.Entry{PlaceHolder: "1717", Validator: localValidator(func(s string) error {
		_, err := connector.ParseCallbackPorts(s)
		return err
	})}})
	adv := newDisclosure(lang.L("For developers: your own Salesforce app"),
		&widget.FormItem{Text: lang.L("Client ID (optional)"), Widget: clientID,
			HintText: lang.L("The consumer key of your External Client App; empty uses the Salesforce CLI app")},
		&widget.FormItem{Text: lang.L("Callback ports (optional)"), Widget: ports,
			HintText: lang.L("Each registered in the app as http://localhost:PORT/OauthRedirect, tried in order")})
	items := []*widget.FormItem{
		{Text: lang.L("System"), Widget: name, HintText: lang.L("For example Lightning or Service Cloud")},
		{Text: lang.L("Salesforce Environment"), Widget: env},
		{Text: lang.L("Environment name"), Widget: named,
			HintText: lang.L("For another environment only: its name, e.g. UAT, QA or Staging")},
		{Widget: adv},
	}
	d := newForm(lang.L("Add system"), lang.L("Add"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		k := connector.Key{System: strings.TrimSpace(name.Text)}
		switch i := env.SelectedIndex(); {
		case i < len(connector.Environments):
			k.Environment = connector.Environments[i]
		default:
			kind := connector.Sandbox
			if i == len(connector.Environments)+1 {
				kind = connector.Production
			}
			e, err := connector.NamedEnvironment(named.Text, kind)
			if err != nil {
				l.act.showError(lang.L("Couldn't add the system"), err)
				return
			}
			k.Environment = e
		}
		p, _ := connector.ParseCallbackPorts(ports.Text) // validated by the form
		l.addSystem(k, addOptions{ClientID: strings.TrimSpace(clientID.Text), Ports: p})
	}, l.act.win())
	d.Resize(fyne.NewSize(520, 0))
	l.act.track(d, d.Default)
	for _, e := range []*entry{name, named, clientID, ports} {
		e.OnSubmitted = func(string) { d.Submit() }
	}
	l.addDialog, l.addName, l.addEnv, l.addNamed, l.addAdv = d, name, env, named, adv
	d.focusFirst = name
	d.Show()
}

// disclosure is a closed-at-first section of a form ("For developers"):
// its fields are validated with the form's own.
type disclosure struct {
	widget.Accordion
	inner *widget.Form
}

var _ fyne.Validatable = (*disclosure)(nil)

func newDisclosure(title string, items ...*widget.FormItem) *disclosure {
	d := &disclosure{inner: widget.NewForm(items...)}
	d.Items = []*widget.AccordionItem{{Title: title, Detail: d.inner}}
	d.ExtendBaseWidget(d)
	return d
}

// Validate validates the fields inside.
func (d *disclosure) Validate() error { return d.inner.Validate() }

// SetOnValidationChanged is called when the fields inside change validity.
func (d *disclosure) SetOnValidationChanged(f func(error)) { d.inner.SetOnValidationChanged(f) }

// addOptions are the optional OAuth client settings of a new connector.
type addOptions struct {
	ClientID string
	Ports    []int
}

// addSystem creates k unless it exists, then selects it.
func (l *listScreen) addSystem(k connector.Key, opts addOptions) {
	if _, ok := l.m.connectorFor(k); ok {
		l.alreadyThere(k)
		return
	}
	svc := l.act.svc()
	if svc == nil {
		return
	}
	l.act.goWork(func(context.Context) {
		c, added, err := svc.AddConnector(k, connector.ConnectorSettings{ClientID: opts.ClientID, CallbackPorts: opts.Ports})
		l.act.do(func() {
			switch {
			case err != nil:
				l.act.showError(lang.L("Couldn't add the system"), err)
			case !added: // stored meanwhile, or under another case of its name
				l.alreadyThere(c.Key())
				l.act.reload(false)
			default:
				l.act.added(k)
			}
		})
	})
}

// alreadyThere says k exists (one connector per system and environment)
// and selects it.
func (l *listScreen) alreadyThere(k connector.Key) {
	d := newInformation(lang.L("Already there"),
		lang.L("{{.Connector}} already exists: there is one connector per system and environment. It is now selected.",
			map[string]any{"Connector": keyText(k)}), l.act.win())
	l.act.track(d, d.Default)
	d.Show()
	l.act.selectKey(k)
}

// envOptions are the translated environment names in display order.
func envOptions() []string {
	opts := make([]string, len(connector.Environments))
	for i, e := range connector.Environments {
		opts[i] = envText(e)
	}
	return opts
}

// tightVBox stacks objects vertically with no gap, for two-line rows.
type tightVBox struct{}

func (tightVBox) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	n := 0
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		s.Width = max(s.Width, m.Width)
		s.Height += m.Height
		n++
	}
	if n > 1 {
		s.Height -= theme.InnerPadding() * float32(n-1)
	}
	return s
}

func (tightVBox) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h - theme.InnerPadding()
	}
}

// rowTip is the tooltip of a list row: the system's full name, then the
// row's second line (environment, org, drift) and the org ID, all of
// which a narrow sidebar cuts off.
func rowTip(c connector.Connector, sub string) string {
	tip := c.Key().System + " · " + sub
	if c.Org != nil && c.Org.OrgID != "" {
		tip += " (" + c.Org.OrgID + ")"
	}
	return tip
}
