package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
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
	v        *view
	list     *widget.List
	checked  map[connector.Key]bool
	checking map[connector.Key]bool
	empty    *widget.Label
	errLabel *widget.Label

	addBtn     *widget.Button
	refreshBtn *widget.Button
	diagBtn    *widget.Button
	selecting  bool
	rows       map[fyne.CanvasObject]*row // list item container -> its widgets
	top        *fyne.Container
	root       *fyne.Container
}

func newListScreen(v *view) *listScreen {
	l := &listScreen{
		v:        v,
		checked:  map[connector.Key]bool{},
		checking: map[connector.Key]bool{},
		rows:     map[fyne.CanvasObject]*row{},
	}
	l.addBtn = &widget.Button{Text: lang.L("Add system"), Icon: theme.ContentAddIcon(), OnTapped: l.onAddSystem}
	l.refreshBtn = &widget.Button{Text: lang.L("Check now"), Icon: theme.ViewRefreshIcon(), OnTapped: l.onCheckNow}
	l.diagBtn = &widget.Button{Text: lang.L("Copy diagnostics"), Icon: theme.ContentCopyIcon(), OnTapped: v.onCopyDiagnostics}
	l.empty = &widget.Label{Text: lang.L("No connectors yet. Add a system, or pick an environment and authorize."), Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance}
	l.errLabel = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	setVisible(l.errLabel, false)
	l.list = &widget.List{
		Length:     func() int { return len(l.v.connectors) },
		CreateItem: l.createRow,
		UpdateItem: l.updateRow,
		OnSelected: l.onSelected,
	}
	l.list.ExtendBaseWidget(l.list)
	return l
}

func (l *listScreen) build() fyne.CanvasObject {
	title := &widget.Label{Text: lang.L("All connectors"), TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	top := container.NewVBox(title, l.errLabel, l.empty)
	l.top = top
	bottom := container.NewVBox(widget.NewSeparator(), container.NewGridWithColumns(2, l.addBtn, l.refreshBtn), l.diagBtn, l.v.newExportButton())
	l.root = container.NewBorder(top, bottom, nil, nil, l.list)
	return container.NewPadded(l.root)
}

// row is the template of one list item.
type row struct {
	check *widget.Check
	title *widget.Label
	sub   *widget.Label
	badge *statusBadge
	drift *statusBadge // changed outside Connectors
}

func (l *listScreen) createRow() fyne.CanvasObject {
	r := &row{
		check: widget.NewCheck("", nil),
		title: &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis},
		sub:   &widget.Label{SizeName: theme.SizeNameCaptionText, Truncation: fyne.TextTruncateEllipsis},
		badge: newStatusBadge("", toneNeutral),
		drift: newStatusBadge(lang.L("Changed outside"), toneWarn),
	}
	texts := container.New(&tightVBox{}, r.title, r.sub)
	setVisible(r.drift, false)
	c := container.NewBorder(nil, nil, r.check, container.NewPadded(container.NewCenter(container.NewVBox(r.badge, r.drift))), texts)
	l.rows[c] = r
	return c
}

func (l *listScreen) updateRow(id widget.ListItemID, obj fyne.CanvasObject) {
	if id < 0 || id >= len(l.v.connectors) {
		return
	}
	r := l.rows[obj]
	if r == nil {
		return
	}
	c := l.v.connectors[id]
	k := c.Key()
	setLabel(r.title, k.System)
	sub := envText(k.Environment)
	if c.Org != nil && c.Org.OrgName != "" {
		sub += " · " + c.Org.OrgName
	}
	drift := driftOf(c, l.v.status)
	if drift != nil {
		sub += " · " + driftShort(drift)
	}
	imp := widget.MediumImportance
	if c.IsProductionTarget() {
		imp = widget.DangerImportance
	}
	if r.sub.Importance != imp {
		r.sub.Importance = imp
		r.sub.Refresh()
	}
	setLabel(r.sub, sub)
	r.check.OnChanged = nil
	if r.check.Checked != l.checked[k] {
		r.check.SetChecked(l.checked[k])
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

// badgeFor is the row badge of c: connector.StateOf its live status, else
// of what is stored (the card shows the same), or "checking" meanwhile.
func (l *listScreen) badgeFor(c connector.Connector) (string, tone) {
	k := c.Key()
	st, ok := l.v.status[k]
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
	setVisible(l.errLabel, false)
	if len(l.v.connectors) == 0 {
		setVisible(l.empty, true)
	} else {
		setVisible(l.empty, false)
	}
	for k := range l.checked {
		if _, ok := l.v.connectorFor(k); !ok {
			delete(l.checked, k)
		}
	}
	if l.top != nil {
		l.top.Refresh()
		l.root.Refresh()
	}
	l.list.Refresh()
	l.markSelected(l.v.selected)
}

func (l *listScreen) refreshKey(k connector.Key) {
	for i, c := range l.v.connectors {
		if c.Key() == k {
			l.list.RefreshItem(i)
			return
		}
	}
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
	for i, c := range l.v.connectors {
		if c.Key() == k {
			l.list.Select(i)
			return
		}
	}
	l.list.UnselectAll()
}

func (l *listScreen) onSelected(id widget.ListItemID) {
	if l.selecting || id < 0 || id >= len(l.v.connectors) {
		return
	}
	l.v.selectKey(l.v.connectors[id].Key())
}

func (l *listScreen) onChecked(k connector.Key, on bool) {
	if on {
		l.checked[k] = true
	} else {
		delete(l.checked, k)
	}
	l.v.pub.updateTargets()
}

// checkedKeys lists the ticked connectors in list order.
func (l *listScreen) checkedKeys() []connector.Key {
	var keys []connector.Key
	for _, c := range l.v.connectors {
		if l.checked[c.Key()] {
			keys = append(keys, c.Key())
		}
	}
	return keys
}

func (l *listScreen) onCheckNow() { l.v.checkAll(l.v.keys()) }

// onAddSystem asks for a system name and an environment and creates the
// connector; there is one connector per system × environment. An admin who
// brings their own External Client App also gives its consumer key and the
// callback ports registered in it.
func (l *listScreen) onAddSystem() {
	name := &widget.Entry{PlaceHolder: "Lightning", Validator: connector.ValidateSystemName}
	name.ExtendBaseWidget(name)
	env := widget.NewSelect(envOptions(), nil)
	env.SetSelectedIndex(1)
	clientID := &widget.Entry{PlaceHolder: connector.DefaultClientID}
	clientID.ExtendBaseWidget(clientID)
	ports := &widget.Entry{PlaceHolder: "1717", Validator: func(s string) error {
		_, err := connector.ParseCallbackPorts(s)
		return err
	}}
	ports.ExtendBaseWidget(ports)
	items := []*widget.FormItem{
		{Text: lang.L("System"), Widget: name, HintText: lang.L("For example Lightning or Service Cloud")},
		{Text: lang.L("Salesforce Environment"), Widget: env},
		{Text: lang.L("Client ID (optional)"), Widget: clientID,
			HintText: lang.L("The consumer key of your External Client App; empty uses the Salesforce CLI app")},
		{Text: lang.L("Callback ports (optional)"), Widget: ports,
			HintText: lang.L("Each registered in the app as http://localhost:PORT/OauthRedirect, tried in order")},
	}
	d := dialog.NewForm(lang.L("Add system"), lang.L("Add"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		k := connector.Key{System: strings.TrimSpace(name.Text), Environment: connector.Environments[env.SelectedIndex()]}
		p, _ := connector.ParseCallbackPorts(ports.Text) // validated by the form
		l.addSystem(k, addOptions{ClientID: strings.TrimSpace(clientID.Text), Ports: p})
	}, l.v.win)
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
	l.v.win.Canvas().Focus(name)
}

// addOptions are the optional OAuth client settings of a new connector.
type addOptions struct {
	ClientID string
	Ports    []int
}

// addSystem creates k unless it exists, then selects it.
func (l *listScreen) addSystem(k connector.Key, opts addOptions) {
	if _, ok := l.v.connectorFor(k); ok {
		dialog.ShowInformation(lang.L("Already there"),
			lang.L("{{.Connector}} already exists: there is one connector per system and environment. It is now selected.",
				map[string]any{"Connector": keyText(k)}), l.v.win)
		l.v.selectKey(k)
		return
	}
	if l.v.reg == nil {
		return
	}
	l.v.goWork(func(ctx context.Context) {
		_, err := l.v.reg.Upsert(k, func(c *connector.Connector) error {
			c.System, c.Environment = k.System, k.Environment
			if c.LoginURL == "" {
				c.LoginURL = k.Environment.DefaultLoginURL()
			}
			c.ClientID, c.CallbackPorts = opts.ClientID, opts.Ports
			return nil
		})
		l.v.do(func() {
			if err != nil {
				l.v.showError(lang.L("Couldn't add the system"), err)
				return
			}
			l.v.selected = connector.Key{} // force selectKey to act
			l.v.selectKey(k)
			l.v.reload(true)
		})
	})
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
