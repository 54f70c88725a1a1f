package ui

import (
	"context"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/connectors-app/connectors/connector"
)

// listScreen is "All connectors": one row per system × environment with its
// live status, a checkbox to publish to several at once, and Add system.
type listScreen struct {
	m        *model // what it reads
	act      listActions
	list     *widget.List
	checking map[connector.Key]bool
	empty    *widget.Label
	errLabel *widget.Label

	search     *widget.Entry
	selectSbx  *button
	shown      []int // indices into v.connectors: production first, then the rest, filtered by the search
	addBtn     *button
	refreshBtn *button
	diagBtn    *button
	exportBtn  *button
	selecting  bool
	rows       map[fyne.CanvasObject]*row // list item container -> its widgets

	// the open Add system dialog and its fields, for tests
	addDialog *dialog.FormDialog
	addName   *widget.Entry
	addEnv    *widget.Select
	addNamed  *widget.Entry
	top       *fyne.Container
	root      *fyne.Container
}

func newListScreen(v *view) *listScreen {
	l := &listScreen{
		m:        v.model,
		act:      v.listActions(),
		checking: map[connector.Key]bool{},
		rows:     map[fyne.CanvasObject]*row{},
	}
	l.addBtn = btn(&button{Button: widget.Button{Text: lang.L("Add system"), Icon: theme.ContentAddIcon(), OnTapped: l.onAddSystem}})
	l.refreshBtn = btn(&button{Button: widget.Button{Text: lang.L("Check now"), Icon: theme.ViewRefreshIcon(), OnTapped: l.onCheckNow}})
	l.diagBtn = btn(&button{Button: widget.Button{Text: lang.L("Copy diagnostics"), Icon: theme.ContentCopyIcon(), OnTapped: l.act.copyDiagnostics}})
	l.empty = &widget.Label{Text: lang.L("No connectors yet. Add a system, or pick an environment and authorize."), Wrapping: fyne.TextWrapWord}
	l.errLabel = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	setVisible(l.errLabel, false)
	l.search = &widget.Entry{PlaceHolder: lang.L("Search connectors and orgs"), OnChanged: l.onSearch}
	l.search.ExtendBaseWidget(l.search)
	l.selectSbx = btn(&button{Button: widget.Button{Text: lang.L("Tick all sandboxes"), Icon: theme.CheckButtonCheckedIcon(), OnTapped: l.onSelectSandboxes}})
	l.list = &widget.List{
		Length:     func() int { return len(l.shown) },
		CreateItem: l.createRow,
		UpdateItem: l.updateRow,
		OnSelected: l.onSelected,
	}
	l.list.ExtendBaseWidget(l.list)
	return l
}

func (l *listScreen) build() fyne.CanvasObject {
	title := &widget.Label{Text: lang.L("All connectors"), TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	top := container.NewVBox(title, l.search, l.selectSbx, l.errLabel, l.empty)
	l.top = top
	// one button per line: the sidebar stays narrow in every language
	l.exportBtn = newExportButton(l.act.exportConnectors)
	bottom := container.NewVBox(widget.NewSeparator(), l.addBtn, l.refreshBtn, l.diagBtn, l.exportBtn)
	l.root = container.NewBorder(top, bottom, nil, nil, l.list)
	return container.NewPadded(l.root)
}

// row is the template of one list item.
type row struct {
	strip *canvas.Rectangle // red for a production target
	check *widget.Check
	title *tipLabel // the full name and org show as a tooltip when cut off
	sub   *tipLabel
	badge *statusBadge
	drift *statusBadge // changed outside Connectors
}

func (l *listScreen) createRow() fyne.CanvasObject {
	r := &row{
		strip: canvas.NewRectangle(color.Transparent),
		check: widget.NewCheck("", nil),
		title: newTipLabel(fyne.TextStyle{Bold: true}, "", l.act.tips),
		sub:   newTipLabel(fyne.TextStyle{}, theme.SizeNameCaptionText, l.act.tips),
		badge: newStatusBadge("", toneNeutral),
		drift: newStatusBadge(lang.L("Changed outside"), toneWarn),
	}
	// the name gets the row's full width; the badges share the second line
	setVisible(r.drift, false)
	texts := container.New(&tightVBox{}, r.title,
		container.NewBorder(nil, nil, nil, container.NewCenter(container.NewHBox(r.drift, r.badge)), r.sub))
	r.strip.SetMinSize(fyne.NewSize(4, 0))
	c := container.NewBorder(nil, nil, container.NewHBox(r.strip, r.check), nil, texts)
	l.rows[c] = r
	return c
}

func (l *listScreen) updateRow(id widget.ListItemID, obj fyne.CanvasObject) {
	if id < 0 || id >= len(l.shown) {
		return
	}
	r := l.rows[obj]
	if r == nil {
		return
	}
	c := l.m.connectors[l.shown[id]]
	k := c.Key()
	setLabel(&r.title.Label, k.System)
	sub := envText(k.Environment)
	if c.Org != nil && c.Org.OrgName != "" {
		sub += " · " + c.Org.OrgName
	}
	drift := driftOf(c, l.m.status)
	if drift != nil {
		sub += " · " + driftShort(drift)
	}
	imp, strip := widget.MediumImportance, color.Color(color.Transparent)
	if c.IsProductionTarget() {
		imp, strip = widget.DangerImportance, theme.Color(theme.ColorNameError)
		sub = productionSub(k, sub)
	}
	if r.sub.Importance != imp {
		r.sub.Importance = imp
		r.sub.TextStyle.Bold = imp == widget.DangerImportance
		r.sub.Refresh()
	}
	if r.strip.FillColor != strip {
		r.strip.FillColor = strip
		r.strip.Refresh()
	}
	setLabel(&r.sub.Label, sub)
	tip := rowTip(c, sub)
	r.title.SetTip(tip)
	r.sub.SetTip(tip)
	r.check.OnChanged = nil
	if r.check.Checked != l.m.ticked[k] {
		r.check.SetChecked(l.m.ticked[k])
	}
	r.check.OnChanged = func(on bool) { l.onChecked(k, on) }
	text, t := l.badgeFor(c)
	if r.badge.text != text || r.badge.tone != t {
		r.badge.Set(text, t)
		obj.Refresh() // the badge's width may have changed
	}
	if drifted := drift != nil; drifted != r.drift.Visible() {
		setVisible(r.drift, drifted)
		obj.Refresh()
	}
}

// productionSub marks a production target's second line: PRODUCTION in
// place of the Production environment, else before the environment.
func productionSub(k connector.Key, sub string) string {
	prod := strings.ToUpper(envText(connector.Production))
	if k.Environment == connector.Production {
		return strings.Replace(sub, envText(k.Environment), prod, 1)
	}
	return prod + " · " + sub
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
	if len(l.m.connectors) == 0 {
		setVisible(l.empty, true)
	} else {
		setVisible(l.empty, false)
	}
	if l.top != nil {
		l.top.Refresh()
		l.root.Refresh()
	}
	l.list.Refresh()
	l.markSelected(l.m.selected)
}

func (l *listScreen) refreshKey(k connector.Key) {
	for i, ci := range l.shown {
		if l.m.connectors[ci].Key() == k {
			l.list.RefreshItem(i)
			return
		}
	}
}

// rebuild orders and filters the rows: production targets first (grouped
// on their own, marked in red), then the others; the search matches the
// system, the environment, the org name and the org ID.
func (l *listScreen) rebuild() {
	q := strings.ToLower(strings.TrimSpace(l.search.Text))
	l.shown = l.shown[:0]
	for _, prodPass := range []bool{true, false} {
		for i, c := range l.m.connectors {
			if c.IsProductionTarget() != prodPass || (q != "" && !matches(c, q)) {
				continue
			}
			l.shown = append(l.shown, i)
		}
	}
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

// markSelected highlights k's row (or none) without re-entering selectKey.
func (l *listScreen) markSelected(k connector.Key) {
	l.selecting = true
	defer func() { l.selecting = false }()
	for i, ci := range l.shown {
		if l.m.connectors[ci].Key() == k {
			l.list.Select(i)
			return
		}
	}
	l.list.UnselectAll()
}

func (l *listScreen) onSelected(id widget.ListItemID) {
	if l.selecting || id < 0 || id >= len(l.shown) {
		return
	}
	l.act.selectKey(l.m.connectors[l.shown[id]].Key())
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
	name := &widget.Entry{PlaceHolder: "Lightning", Validator: localValidator(connector.ValidateSystemName)}
	name.ExtendBaseWidget(name)
	// Production, Sandbox, Test, then a named sandbox or production environment
	envs := append(envOptions(), lang.L("Other sandbox (UAT, QA…)"), lang.L("Other production org"))
	env := widget.NewSelect(envs, nil)
	env.SetSelectedIndex(1)
	named := &widget.Entry{PlaceHolder: "UAT", Validator: localValidator(func(s string) error {
		if i := env.SelectedIndex(); i < len(connector.Environments) {
			return nil
		}
		_, err := connector.NamedEnvironment(s, connector.Sandbox)
		return err
	})}
	named.ExtendBaseWidget(named)
	clientID := &widget.Entry{PlaceHolder: connector.DefaultClientID}
	clientID.ExtendBaseWidget(clientID)
	ports := &widget.Entry{PlaceHolder: "1717", Validator: localValidator(func(s string) error {
		_, err := connector.ParseCallbackPorts(s)
		return err
	})}
	ports.ExtendBaseWidget(ports)
	items := []*widget.FormItem{
		{Text: lang.L("System"), Widget: name, HintText: lang.L("For example Lightning or Service Cloud")},
		{Text: lang.L("Salesforce Environment"), Widget: env},
		{Text: lang.L("Environment name"), Widget: named,
			HintText: lang.L("For another environment only: its name, e.g. UAT, QA or Staging")},
		{Text: lang.L("Client ID (optional)"), Widget: clientID,
			HintText: lang.L("The consumer key of your External Client App; empty uses the Salesforce CLI app")},
		{Text: lang.L("Callback ports (optional)"), Widget: ports,
			HintText: lang.L("Each registered in the app as http://localhost:PORT/OauthRedirect, tried in order")},
	}
	d := dialog.NewForm(lang.L("Add system"), lang.L("Add"), lang.L("Cancel"), items, func(ok bool) {
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
	l.act.track(d, d.Submit)
	name.OnSubmitted = func(string) { d.Submit() }
	l.addDialog, l.addName, l.addEnv, l.addNamed = d, name, env, named
	d.Show()
	l.act.win().Canvas().Focus(name)
}

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
	dialog.ShowInformation(lang.L("Already there"),
		lang.L("{{.Connector}} already exists: there is one connector per system and environment. It is now selected.",
			map[string]any{"Connector": keyText(k)}), l.act.win())
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
