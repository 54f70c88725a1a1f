package ui

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/connectors-app/connectors/connector/service"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/packaging"
)

// publishScreen is the Content bundle tab: pick a .zip or a folder, see its
// summary and validation, publish to one or several connectors with per-row
// progress, retry the failed ones, restore the previous version.
type publishScreen struct {
	m      *model // what it reads
	act    publishActions
	bundle *packaging.Bundle

	zipBtn    *button
	folderBtn *button
	source    *widget.Label
	summary   *widget.Label
	largest   *widget.Label
	validIcon *widget.Icon
	valid     *widget.Label
	validFix  *widget.Label

	intro      *widget.Label // what a bundle is, and the resource it becomes
	targets    *widget.Label
	summaryBox *fyne.Container // the one-line summary, production in red
	sumCount   *widget.Label
	sumProd    *widget.Label
	publishBtn *button
	retryBtn   *button
	restoreBtn *button
	// resultLine sums up the last publish in one line ("1 published, 14
	// failed: not authorized"); the rows below give each target's outcome.
	resultLine *widget.Label
	rowsBox    *fyne.Container
	rows       map[connector.Key]*publishRow
	// skipped are the targets the user chose to leave out of the running
	// publish (they could not be published to), for the summary line.
	skipped []connector.Status

	running bool
	failed  []connector.Key
	// started is when the running publish began; a publish that took
	// longer than notifyAfter ends with a desktop notification.
	started     time.Time
	notifyAfter time.Duration
	// resultsFor is the targets (and bundle) the shown results belong to;
	// when either changes the results are cleared.
	resultsFor string
	body       *fyne.Container
	scroll     *container.Scroll

	// the open Production confirmation, for tests
	prodDialog *prodConfirm
	prodEntry  *widget.Entry
	// the open "some targets cannot be published to" question, for tests
	skipDialog *skipAsk
	skipText   string
	// the open "replace a resource this app did not publish?" question and
	// the targets it replaces on, for tests
	replaceDialog *choiceDialog
	replaceKeys   []connector.Key
	// the open restore confirmation, for tests
	restoreDialog *choiceDialog

	plan  planUI  // plan.go
	watch watchUI // watch.go
	tray  trayUI  // tray.go
}

// publishRow is one target's progress and result: one line (icon, name,
// outcome), the fix or note under it, the developers' details folded.
type publishRow struct {
	name    *widget.Label
	bar     *widget.ProgressBar
	icon    *widget.Icon
	outcome *widget.Label
	fix     *widget.Label
	devs    *widget.Accordion // "For developers": how pages reference the resource
	devText *widget.Label
}

func newPublishScreen(v *view) *publishScreen {
	s := &publishScreen{m: v.model, act: v.publishActions(), rows: map[connector.Key]*publishRow{}, notifyAfter: DefaultNotifyAfter}
	s.zipBtn = btn(&button{Button: widget.Button{Text: lang.L("Choose a .zip…"), Icon: theme.FileIcon(), OnTapped: s.onChooseZip}})
	s.folderBtn = btn(&button{Button: widget.Button{Text: lang.L("Choose a folder…"), Icon: theme.FolderOpenIcon(), OnTapped: s.onChooseFolder}})
	s.source = &widget.Label{Text: lang.L("No bundle chosen yet."), Truncation: fyne.TextTruncateEllipsis, TextStyle: fyne.TextStyle{Bold: true}}
	s.summary = &widget.Label{Wrapping: fyne.TextWrapWord}
	s.largest = &widget.Label{Wrapping: fyne.TextWrapWord, SizeName: theme.SizeNameCaptionText}
	s.validIcon = widget.NewIcon(nil)
	s.valid = &widget.Label{Wrapping: fyne.TextWrapWord}
	s.validFix = &widget.Label{Wrapping: fyne.TextWrapWord, SizeName: theme.SizeNameCaptionText}
	s.targets = &widget.Label{Wrapping: fyne.TextWrapWord}
	s.intro = &widget.Label{Wrapping: fyne.TextWrapWord}
	s.sumCount = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}}
	s.sumProd = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	s.summaryBox = container.NewBorder(nil, nil, s.sumCount, nil, s.sumProd)
	s.publishBtn = btn(&button{Button: widget.Button{Text: lang.L("Publish"), Icon: theme.UploadIcon(), Importance: widget.HighImportance, OnTapped: s.onPublish}})
	s.retryBtn = btn(&button{Button: widget.Button{Text: lang.L("Retry failed"), Icon: theme.ViewRefreshIcon(), OnTapped: s.onRetryFailed}})
	s.restoreBtn = btn(&button{Button: widget.Button{Text: lang.L("Restore previous version"), Icon: theme.HistoryIcon(), OnTapped: s.onRestore}})
	s.resultLine = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord}
	s.rowsBox = container.New(layout.NewFormLayout())
	return s
}

func (s *publishScreen) build() fyne.CanvasObject {
	setVisible(s.resultLine, false)
	setVisible(s.summary, false)
	setVisible(s.largest, false)
	setVisible(s.validIcon, false)
	setVisible(s.valid, false)
	setVisible(s.validFix, false)
	s.retryBtn.Disable()
	bundleCard := &widget.Card{
		Title: lang.L("Content bundle"),
		Content: container.NewVBox(
			s.intro,
			container.NewHBox(s.zipBtn, s.folderBtn),
			s.source, s.summary, s.largest,
			container.NewBorder(nil, nil, container.NewVBox(s.validIcon), nil, container.NewVBox(s.valid, s.validFix)),
		),
	}
	bundleCard.ExtendBaseWidget(bundleCard)
	publishCard := &widget.Card{
		Title: lang.L("Publish"),
		Content: container.NewVBox(
			s.summaryBox,
			s.targets,
			container.NewHBox(layout.NewSpacer(), s.retryBtn, s.newReviewButton(), s.publishBtn),
			s.newWatchCheck(),
			s.resultLine,
			s.rowsBox,
			widget.NewSeparator(),
			container.NewHBox(s.restoreBtn),
		),
	}
	publishCard.ExtendBaseWidget(publishCard)
	s.updateTargets()
	s.body = container.NewVBox(bundleCard, publishCard)
	s.scroll = container.NewVScroll(container.NewPadded(s.body))
	return s.scroll
}

// targetKeys are the ticked connectors, or the selected one when none is ticked.
func (s *publishScreen) targetKeys() []connector.Key {
	if keys := s.m.tickedKeys(); len(keys) > 0 {
		return keys
	}
	if _, ok := s.m.connectorFor(s.m.selected); ok {
		return []connector.Key{s.m.selected}
	}
	return nil
}

// onModel updates the targets when the list, the selection or the ticks change.
func (s *publishScreen) onModel(ev modelEvent) {
	if ev.Kind != statusChanged {
		s.updateTargets()
	}
}

// updateTargets says where Publish will go and enables the buttons.
func (s *publishScreen) updateTargets() {
	keys := s.targetKeys()
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = keyText(k)
	}
	switch {
	case len(keys) == 0:
		s.targets.SetText(lang.L("Select a connector in the list, or tick several to publish to all of them."))
	default:
		s.targets.SetText(lang.L("Publishes to: {{.Targets}}", map[string]any{"Targets": strings.Join(names, ", ")}))
	}
	s.showSummary(keys)
	s.showIntro(keys)
	if sig := s.resultsKey(keys); !s.running && s.resultsFor != "" && sig != s.resultsFor {
		s.clearResults() // results of other targets or another bundle would mislead
	}
	if s.running || s.bundle == nil || len(keys) == 0 {
		s.publishBtn.Disable()
	} else {
		s.publishBtn.Enable()
	}
	if s.running || len(keys) != 1 || !s.hasBackup(keys[0]) {
		s.restoreBtn.Disable()
	} else {
		s.restoreBtn.Enable()
	}
	if s.running || len(s.failed) == 0 {
		s.retryBtn.Disable()
	} else {
		s.retryBtn.Enable()
	}
	s.updatePlanWatch(keys)
	s.relayout()
}

// showIntro says what a bundle is and names the resource it becomes in
// Salesforce (the first target's), the first time an admin meets the name.
func (s *publishScreen) showIntro(keys []connector.Key) {
	resource := connector.DefaultResourceName
	if len(keys) > 0 {
		if c, ok := s.m.connectorFor(keys[0]); ok {
			resource = c.EffectiveResourceName()
		}
	}
	setLabel(s.intro, lang.L("A .zip of your self-hosted files, or a folder to zip. Publishing puts it in Salesforce as {{.Resource}}: the name of the file in Salesforce that holds your content.",
		map[string]any{"Resource": resource}))
}

// showSummary is the line read before publishing: how many targets and,
// in red, which of them are production orgs ("3 targets, 1 PRODUCTION:
// Acme Corp (00D…)").
func (s *publishScreen) showSummary(keys []connector.Key) {
	if len(keys) == 0 {
		s.setPublishLabel(false)
		setVisible(s.summaryBox, false)
		return
	}
	count := lang.L("1 target")
	if len(keys) > 1 {
		count = lang.L("{{.Count}} targets", map[string]any{"Count": len(keys)})
	}
	prod := s.productionTargets(keys)
	orgs := make([]string, len(prod))
	for i, k := range prod {
		orgs[i] = keyText(k)
		if c, ok := s.m.connectorFor(k); ok && c.Org != nil {
			orgs[i] = c.Org.OrgName + " (" + c.Org.OrgID + ")"
		}
	}
	prodText := ""
	if len(prod) > 0 {
		count += ","
		prodText = lang.L("{{.Count}} PRODUCTION: {{.Orgs}}", map[string]any{"Count": len(prod), "Orgs": strings.Join(orgs, ", ")})
	}
	s.setPublishLabel(len(prod) > 0)
	setLabel(s.sumCount, count)
	setLabel(s.sumProd, prodText)
	setVisible(s.summaryBox, true)
}

// setPublishLabel makes the Publish button look like what it does: red
// "Publish to Production" when a target is a production org.
func (s *publishScreen) setPublishLabel(production bool) {
	text, imp := lang.L("Publish"), widget.HighImportance
	if production {
		text, imp = lang.L("Publish to Production"), widget.DangerImportance
	}
	if s.publishBtn.Text != text || s.publishBtn.Importance != imp {
		s.publishBtn.Text, s.publishBtn.Importance = text, imp
		s.publishBtn.Refresh()
	}
}

// resultsKey identifies the targets and bundle results belong to.
func (s *publishScreen) resultsKey(keys []connector.Key) string {
	var b strings.Builder
	if s.bundle != nil {
		b.WriteString(s.bundle.Fingerprint())
	}
	for _, k := range keys {
		b.WriteString("|" + k.String())
	}
	return b.String()
}

// clearResults removes the rows and failures of an earlier publish.
func (s *publishScreen) clearResults() {
	s.rowsBox.RemoveAll()
	s.rows = map[connector.Key]*publishRow{}
	s.failed = nil
	s.skipped = nil
	s.resultsFor = ""
	setVisible(s.resultLine, false)
	s.retryBtn.Disable()
}

// hasBackup reports whether k has a version to restore.
func (s *publishScreen) hasBackup(k connector.Key) bool {
	if s.act.svc() == nil {
		return false
	}
	_, ok, err := s.act.svc().RestoreVersion(k, "")
	return err == nil && ok
}

// relayout lays the tab out again after parts were shown or hidden.
func (s *publishScreen) relayout() {
	if s.body == nil {
		return
	}
	for _, o := range s.body.Objects {
		if c, ok := o.(*widget.Card); ok {
			c.Content.Refresh()
		}
	}
	s.body.Refresh()
	s.scroll.Refresh()
}

func (s *publishScreen) onChooseZip() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			s.act.showError(lang.L("Couldn't open the file"), err)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		s.load(path)
	}, s.act.win())
	d.SetFilter(storage.NewExtensionFileFilter([]string{".zip", ".ZIP"}))
	d.Resize(fyne.NewSize(760, 520))
	s.act.track(d, nil)
	d.Show()
}

func (s *publishScreen) onChooseFolder() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil {
			s.act.showError(lang.L("Couldn't open the folder"), err)
			return
		}
		if u == nil {
			return
		}
		s.load(u.Path())
	}, s.act.win())
	d.Resize(fyne.NewSize(760, 520))
	s.act.track(d, nil)
	d.Show()
}

// load opens and validates the bundle at path in the background.
func (s *publishScreen) load(path string) {
	open := s.act.openBundle
	s.source.SetText(path)
	s.valid.SetText(lang.L("Checking the bundle…"))
	s.valid.Importance = widget.MediumImportance
	setVisible(s.valid, true)
	setVisible(s.validIcon, false)
	setVisible(s.validFix, false)
	s.relayout()
	s.act.goWork(func(context.Context) {
		b, err := open(path)
		s.act.do(func() {
			if err != nil {
				s.act.noteError(err)
			}
			s.setBundle(b, err)
			if err != nil {
				s.source.SetText(path)
			}
		})
	})
}

// setBundle shows the bundle's summary and validation result.
func (s *publishScreen) setBundle(b *packaging.Bundle, err error) {
	s.bundle = b
	defer func() {
		if err != nil {
			b = nil
		}
		s.m.setBundle(b)
	}()
	setVisible(s.valid, true)
	setVisible(s.validIcon, true)
	if err != nil || b == nil {
		msg, fix := problemText(err)
		setVisible(s.summary, false)
		setVisible(s.largest, false)
		s.validIcon.SetResource(theme.NewErrorThemedResource(theme.ErrorIcon()))
		s.valid.Importance = widget.DangerImportance
		s.valid.SetText(msg)
		s.validFix.SetText(fix)
		setVisible(s.validFix, true)
		s.updateTargets()
		return
	}
	sum := b.Summary()
	src := b.Source()
	if d := s.act.demo(); d != nil && b == d.Bundle {
		src = lang.L("Sample content (built in)")
	}
	s.source.SetText(src)
	sizes := map[string]any{"Files": sum.Files, "Size": humanSize(sum.CompressedSize), "Unzipped": humanSize(sum.UncompressedSize)}
	if sum.Files == 1 {
		s.summary.SetText(lang.L("1 file, {{.Size}} zipped ({{.Unzipped}} unzipped)", sizes))
	} else {
		s.summary.SetText(lang.L("{{.Files}} files, {{.Size}} zipped ({{.Unzipped}} unzipped)", sizes))
	}
	setVisible(s.summary, true)
	if len(sum.Largest) > 0 {
		parts := make([]string, len(sum.Largest))
		for i, f := range sum.Largest {
			parts[i] = f.Name + " (" + humanSize(f.Size) + ")"
		}
		s.largest.SetText(lang.L("Largest: {{.Files}}", map[string]any{"Files": strings.Join(parts, ", ")}))
		setVisible(s.largest, true)
	} else {
		setVisible(s.largest, false)
	}
	s.validIcon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	s.valid.Importance = widget.SuccessImportance
	s.valid.SetText(lang.L("Valid: ready to publish."))
	setVisible(s.validFix, false)
	s.updateTargets()
}

// onPublish publishes the bundle to the targets; Production asks first.
func (s *publishScreen) onPublish() { s.publishTo(s.targetKeys()) }

// onRetryFailed publishes again to the targets that failed last time and
// are still ticked: never to one the user has since unticked.
func (s *publishScreen) onRetryFailed() {
	ticked := map[connector.Key]bool{}
	for _, k := range s.targetKeys() {
		ticked[k] = true
	}
	var keys []connector.Key
	for _, k := range s.failed {
		if ticked[k] {
			keys = append(keys, k)
		}
	}
	s.publishTo(keys)
}

func (s *publishScreen) publishTo(keys []connector.Key) { s.publishWith(keys, false) }

// publishWith publishes to keys; replace allows replacing resources this
// app did not publish. Production targets (connector.IsProductionTarget)
// are confirmed first, once they are known to be authorized.
func (s *publishScreen) publishWith(keys []connector.Key, replace bool) {
	if s.running || s.bundle == nil || len(keys) == 0 || s.act.svc() == nil {
		return
	}
	s.withPublishable(keys, func(ready []connector.Key, blocked []connector.Status) {
		if len(blocked) == 0 {
			s.publishReady(ready, nil, replace)
			return
		}
		s.askSkip(ready, blocked, func() { s.publishReady(ready, blocked, replace) })
	})
}

// publishReady publishes to keys, which can all be published to; skipped
// are the targets left out. Production targets are confirmed by name.
func (s *publishScreen) publishReady(keys []connector.Key, skipped []connector.Status, replace bool) {
	prod := s.productionTargets(keys)
	if len(prod) == 0 {
		s.start(keys, nil, replace, skipped)
		return
	}
	s.whenAuthorized(prod, func() {
		s.confirmProduction(prod, false, func() { s.start(keys, prod, replace, skipped) })
	})
}

// withPublishable splits keys into those that can be published to and
// those that cannot (not signed in, sign-in expired: connector.Status's
// Authorized is the rule), from the live status the window already has,
// checking live only the targets it has none for; then runs then.
func (s *publishScreen) withPublishable(keys []connector.Key, then func(ready []connector.Key, blocked []connector.Status)) {
	sts := make([]connector.Status, len(keys))
	var unknown []int
	for i, k := range keys {
		st, ok := s.m.status[k]
		if !ok {
			unknown = append(unknown, i)
		}
		st.Key = k
		sts[i] = st
	}
	split := func() {
		var ready []connector.Key
		var blocked []connector.Status
		for _, st := range sts {
			if st.Authorized() {
				ready = append(ready, st.Key)
			} else {
				blocked = append(blocked, st)
			}
		}
		then(ready, blocked)
	}
	if len(unknown) == 0 {
		split()
		return
	}
	s.publishBtn.Disable()
	s.act.goWork(func(ctx context.Context) {
		for _, i := range unknown {
			st := s.act.svc().Status(ctx, keys[i])
			st.Key = keys[i]
			sts[i] = st
		}
		s.act.do(func() {
			for _, i := range unknown {
				s.act.setStatus(sts[i])
			}
			s.updateTargets()
			split()
		})
	})
}

// askSkip says, before anything is sent, which targets cannot be published
// to and why, and offers to publish to the others; when none can, it only
// says so.
func (s *publishScreen) askSkip(ready []connector.Key, blocked []connector.Status, onYes func()) {
	lines := make([]string, len(blocked))
	for i, st := range blocked {
		lines[i] = "• " + lang.L("{{.Target}}: {{.Reason}}", map[string]any{"Target": keyText(st.Key), "Reason": blockedReason(st)})
	}
	list := &widget.Label{Text: strings.Join(lines, "\n"), Wrapping: fyne.TextWrapWord}
	scroll := container.NewVScroll(list)
	scroll.SetMinSize(fyne.NewSize(480, min(float32(len(blocked))*28+8, 240)))
	total := len(ready) + len(blocked)
	head := lang.L("{{.Count}} of the {{.Total}} targets cannot be published to:", map[string]any{"Count": len(blocked), "Total": total})
	if total == 1 {
		head = lang.L("This target cannot be published to:")
	}
	hint := lang.L("Sign in to them on the Connectors tab to include them.")
	content := container.NewVBox(&widget.Label{Text: head, TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord}, scroll,
		&widget.Label{Text: hint, Wrapping: fyne.TextWrapWord})
	s.skipText = head + "\n" + list.Text + "\n" + hint
	if len(ready) == 0 {
		d := dialog.NewCustom(lang.L("Nothing can be published"), lang.L("Close"), content, s.act.win())
		s.act.track(d, d.Hide)
		d.Show()
		return
	}
	a := &skipAsk{onYes: onYes}
	a.d = dialog.NewCustomWithoutButtons(lang.L("Publish to only some targets?"), content, s.act.win())
	confirm := lang.L("Publish to the {{.Count}} that can", map[string]any{"Count": len(ready)})
	if len(ready) == 1 {
		confirm = lang.L("Publish to the one that can")
	}
	a.ok = btn(&button{Button: widget.Button{Text: confirm, Icon: theme.ConfirmIcon(), Importance: widget.HighImportance, OnTapped: a.Confirm}})
	cancel := btn(&button{Button: widget.Button{Text: lang.L("Cancel"), Icon: theme.CancelIcon(), OnTapped: a.Dismiss}})
	a.ok.onEscape, cancel.onEscape = a.Dismiss, a.Dismiss
	a.d.SetButtons([]fyne.CanvasObject{cancel, a.ok})
	a.d.SetOnClosed(func() { s.skipDialog = nil })
	s.skipDialog = a
	s.act.track(a.d, a.Confirm)
	a.d.Show()
	s.act.win().Canvas().Focus(a.ok) // Enter publishes to the others, Escape cancels
}

// skipAsk is the open "publish to only some targets?" question.
type skipAsk struct {
	d     *dialog.CustomDialog
	ok    *button
	onYes func()
	done  bool
}

// Confirm publishes to the targets that can be published to.
func (a *skipAsk) Confirm() {
	if a.done {
		return
	}
	a.done = true
	a.d.Hide()
	a.onYes()
}

// Dismiss closes the question; nothing is published.
func (a *skipAsk) Dismiss() {
	a.done = true
	a.d.Hide()
}

// blockedReason is why a target cannot be published to, in a few words,
// with what to do: "not signed in: sign in to it on the Connectors tab".
func blockedReason(st connector.Status) string {
	switch st.State {
	case connector.StateNotAuthorized:
		return lang.L("not signed in")
	case connector.StateNeedsReauth, connector.StateSandboxRefreshed:
		return lang.L("its sign-in has expired")
	case connector.StateKeyringError:
		return lang.L("its sign-in cannot be read on this computer")
	case "":
		return lang.L("not checked yet")
	}
	return strings.ToLower(stateText(st.State))
}

// productionTargets are the keys whose connector is a production target.
func (s *publishScreen) productionTargets(keys []connector.Key) []connector.Key {
	var prod []connector.Key
	for _, k := range keys {
		c, ok := s.m.connectorFor(k)
		if !ok {
			c = connector.Connector{System: k.System, Environment: k.Environment}
		}
		if c.IsProductionTarget() {
			prod = append(prod, k)
		}
	}
	return prod
}

// whenAuthorized checks each connector live and runs then only when all
// are authorized; otherwise it shows why and what to do, and asks nothing.
func (s *publishScreen) whenAuthorized(keys []connector.Key, then func()) {
	s.publishBtn.Disable()
	s.restoreBtn.Disable()
	s.act.goWork(func(ctx context.Context) {
		sts := make([]connector.Status, len(keys))
		for i, k := range keys {
			sts[i] = s.act.svc().Status(ctx, k)
			sts[i].Key = k
		}
		s.act.do(func() {
			defer s.updateTargets()
			for _, st := range sts {
				s.act.setStatus(st)
			}
			for _, st := range sts {
				if !st.Authorized() {
					s.act.showError(lang.L("{{.Connector}} is not authorized", map[string]any{"Connector": keyText(st.Key)}),
						st.Problem())
					return
				}
			}
			then()
		})
	})
}

// confirmProduction names each production org (name, ID, "Production"),
// what a publish writes there (the bundle, its version, the resource) and
// asks the user to type the org name (or, for several production orgs,
// the word Production) before publishing (or restoring). The confirm
// button is red; capitals do not matter (connector.ConfirmsProduction).
func (s *publishScreen) confirmProduction(prod []connector.Key, restore bool, onYes func()) {
	expected := envText(connector.Production)
	intro, title, button := lang.L("You are about to publish to Production:"), lang.L("Publish to Production?"), lang.L("Publish to Production")
	if restore {
		intro, title, button = lang.L("You are about to restore on Production:"), lang.L("Restore on Production?"), lang.L("Restore on Production")
	}
	items := []*widget.FormItem{{Widget: &widget.Label{Text: intro, TextStyle: fyne.TextStyle{Bold: true}}}}
	for _, k := range prod {
		c, _ := s.m.connectorFor(k)
		name, id := k.System, "?"
		if c.Org != nil {
			name, id = c.Org.OrgName, c.Org.OrgID
		}
		if len(prod) == 1 {
			expected = name
		}
		items = append(items,
			&widget.FormItem{Text: lang.L("Org"), Widget: &widget.Label{Text: name, TextStyle: fyne.TextStyle{Bold: true}}},
			&widget.FormItem{Text: lang.L("Org ID"), Widget: widget.NewLabel(id)},
			&widget.FormItem{Text: lang.L("Environment"), Widget: container.NewHBox(newStatusBadge(strings.ToUpper(envText(connector.Production)), toneDanger))},
			&widget.FormItem{Text: lang.L("Resource"), Widget: &widget.Label{Text: resourceText(c.EffectiveResourceName()), Wrapping: fyne.TextWrapWord}},
		)
	}
	if !restore && s.bundle != nil {
		items = append(items, &widget.FormItem{Text: lang.L("Content"), Widget: &widget.Label{Text: s.bundleText(), Wrapping: fyne.TextWrapWord}})
	}
	p := &prodConfirm{expected: expected, onYes: onYes}
	field := &escEntry{}
	field.OnChanged, field.OnSubmitted = func(string) { p.check(false) }, func(string) { p.Submit() }
	field.ExtendBaseWidget(field)
	p.entry, p.field = &field.Entry, field
	p.hint = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	setVisible(p.hint, false)
	p.ok = &widget.Button{Text: button, Icon: theme.WarningIcon(), Importance: widget.DangerImportance, OnTapped: p.Submit}
	p.ok.Disable()
	cancel := &widget.Button{Text: lang.L("Cancel"), Icon: theme.CancelIcon()}
	form := widget.NewForm(items...)
	content := container.NewVBox(form,
		&widget.Label{Text: lang.L("Type {{.Name}} to confirm", map[string]any{"Name": expected}), TextStyle: fyne.TextStyle{Bold: true}},
		p.entry, p.hint)
	p.d = dialog.NewCustomWithoutButtons(title, content, s.act.win())
	cancel.OnTapped = p.d.Hide
	field.onEscape = p.d.Hide // Escape cancels, even from the field
	p.d.SetButtons([]fyne.CanvasObject{cancel, p.ok})
	p.d.SetOnClosed(func() { s.prodDialog = nil })
	p.d.Resize(fyne.NewSize(580, 0))
	s.prodDialog, s.prodEntry = p, p.entry
	s.act.track(p.d, p.Submit) // Enter confirms once the name is typed
	p.d.Show()
	s.act.win().Canvas().Focus(field)
}

// escEntry is a text field that hands Escape to its dialog.
type escEntry struct {
	widget.Entry
	onEscape func()
}

// TypedKey closes the dialog on Escape; any other key types.
func (e *escEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && e.onEscape != nil {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(ev)
}

// prodConfirm is the open production confirmation: the org's name typed
// in the field enables the red confirm button.
type prodConfirm struct {
	d        *dialog.CustomDialog
	entry    *widget.Entry
	field    *escEntry // the entry, which hands Escape to the dialog
	hint     *widget.Label
	ok       *widget.Button
	expected string
	onYes    func()
	done     bool
}

// check enables the confirm button when the typed name matches; said
// makes a mismatch say so (after Enter or the button), not while typing.
func (p *prodConfirm) check(said bool) bool {
	match := connector.ConfirmsProduction(p.entry.Text, p.expected)
	if match {
		p.ok.Enable()
		setVisible(p.hint, false)
	} else {
		p.ok.Disable()
		if said {
			p.hint.SetText(lang.L("That is not the name shown above: type {{.Name}} to confirm (capital letters do not matter).", map[string]any{"Name": p.expected}))
			setVisible(p.hint, true)
		}
	}
	return match
}

// Submit publishes when the typed name matches, else says why not.
func (p *prodConfirm) Submit() {
	if p.done || !p.check(true) {
		return
	}
	p.done = true
	p.d.Hide()
	p.onYes()
}

// resourceText names the resource a publish writes, and what it is, the
// first time an admin meets the name.
func resourceText(name string) string {
	return lang.L("{{.Resource}} (the file in Salesforce that holds your content)", map[string]any{"Resource": name})
}

// bundleText names the chosen bundle: its file or folder name, version and size.
func (s *publishScreen) bundleText() string {
	b := s.bundle
	name := filepath.Base(b.Source())
	if d := s.act.demo(); d != nil && b == d.Bundle {
		name = lang.L("Sample content (built in)")
	}
	return lang.L("{{.Name}}, version {{.Version}} ({{.Size}})", map[string]any{
		"Name": name, "Version": connector.ShortVersion(b.Fingerprint()), "Size": humanSize(b.Size())})
}

// start runs PublishMany in the background with one progress row per
// target; confirmed are the production targets the user confirmed by name
// (any other target the org reveals as production is refused).
func (s *publishScreen) start(keys, confirmed []connector.Key, replace bool, skipped []connector.Status) {
	b := s.bundle
	s.running = true
	s.failed = nil
	s.skipped = skipped
	s.resultsFor = s.resultsKey(s.targetKeys())
	s.started = time.Now()
	setVisible(s.resultLine, false)
	s.rowsBox.RemoveAll()
	s.rows = map[connector.Key]*publishRow{}
	for _, k := range keys {
		r := newPublishRow(keyText(k))
		r.outcome.SetText(lang.L("Publishing…"))
		s.rows[k] = r
		r.addTo(s.rowsBox)
		setVisible(r.bar, true)
	}
	for _, st := range skipped { // never started: no progress bar
		r := newPublishRow(keyText(st.Key))
		r.skip(st)
		r.addTo(s.rowsBox)
	}
	s.updateTargets()
	th := &progressThrottle{}
	force := s.takeForce()
	s.act.goWork(func(ctx context.Context) {
		opts := service.PublishOptions{ConfirmedKeys: confirmed, ReplaceExisting: replace, Force: force}
		results := s.act.svc().PublishMany(ctx, keys, b, opts, func(k connector.Key, sent, total int64) {
			if f, ok := th.changed(k, sent, total); ok {
				s.act.do(func() {
					if r := s.rows[k]; r != nil {
						r.bar.SetValue(f)
					}
				})
			}
		})
		s.act.do(func() { s.finish(keys, results) })
	})
}

// finish shows each target's outcome and remembers the failed ones.
func (s *publishScreen) finish(keys []connector.Key, results []service.PublishResult) {
	s.running = false
	byKey := map[connector.Key]service.PublishResult{}
	for i, r := range results {
		k := r.Key
		if k == (connector.Key{}) && i < len(keys) {
			k = keys[i]
		}
		byKey[k] = r
	}
	var existing, drifted []service.PublishResult
	ordered := make([]service.PublishResult, 0, len(keys))
	for _, k := range keys {
		r, ok := byKey[k]
		if !ok {
			r = service.PublishResult{Key: k, Outcome: service.OutcomeFailed, Problem: &connector.Problem{
				Code: connector.CodeCanceled, ID: "publish_interrupted", Message: "The publish was interrupted.", Fix: "Publish again."}}
		}
		ordered = append(ordered, r)
		s.rows[k].show(r)
		if r.Outcome == service.OutcomeFailed {
			s.failed = append(s.failed, k)
			if r.Problem != nil {
				s.act.noteError(r.Problem)
			}
			if r.Existing != nil {
				r.Key = k
				existing = append(existing, r)
			}
			if r.ErrorCode == connector.CodeChangedOutside && r.Drift != nil {
				r.Key = k
				drifted = append(drifted, r)
			}
		}
	}
	s.resultLine.SetText(publishSummary(ordered, s.skipped))
	setVisible(s.resultLine, true)
	s.updateTargets()
	s.showResultLine()
	s.act.reload(false)
	s.m.published()
	s.notifyDone(len(keys), len(keys)-len(s.failed))
	if len(existing) > 0 {
		s.askReplace(existing)
	} else if len(drifted) > 0 {
		s.askDrift(drifted)
	}
	s.watchFinished(results)
}

// showResultLine scrolls the tab so the summary line and the rows under
// it are in view: the rows' end, never the summary line above the top.
// The rows sit at the end of the tab, above the Restore row, so their
// place follows from the sizes (the new rows have no position yet).
func (s *publishScreen) showResultLine() {
	if s.scroll == nil || s.scroll.Content == nil {
		return
	}
	pad := theme.Padding()
	view := s.scroll.Size().Height
	tail := s.restoreBtn.MinSize().Height + 1 + 4*pad + theme.InnerPadding() // separator, Restore, the card's and the tab's padding
	end := s.scroll.Content.MinSize().Height - tail
	top := end - s.rowsBox.MinSize().Height - s.resultLine.MinSize().Height - 2*pad
	if end <= s.scroll.Offset.Y+view {
		return // all in view
	}
	s.scroll.ScrollToOffset(fyne.NewPos(s.scroll.Offset.X, max(s.scroll.Offset.Y, min(top, end-view))))
}

// publishSummary is the one line that ends a publish: "1 published, 14
// failed: not signed in", with the targets left out ("2 skipped: not
// signed in") and the reasons counted when they differ.
func publishSummary(results []service.PublishResult, skipped []connector.Status) string {
	var published, upToDate int
	var failed []string
	for _, r := range results {
		switch r.Outcome {
		case service.OutcomeCreated, service.OutcomeUpdated:
			published++
		case service.OutcomeUpToDate:
			upToDate++
		default:
			failed = append(failed, failureReason(r))
		}
	}
	var parts []string
	if published > 0 || (upToDate == 0 && len(failed) == 0) {
		parts = append(parts, lang.L("{{.Count}} published", map[string]any{"Count": published}))
	}
	if upToDate > 0 {
		parts = append(parts, lang.L("{{.Count}} already up to date", map[string]any{"Count": upToDate}))
	}
	if len(failed) > 0 {
		parts = append(parts, lang.L("{{.Count}} failed: {{.Reasons}}", map[string]any{"Count": len(failed), "Reasons": countedReasons(failed)}))
	}
	if len(skipped) > 0 {
		reasons := make([]string, len(skipped))
		for i, st := range skipped {
			reasons[i] = blockedReason(st)
		}
		parts = append(parts, lang.L("{{.Count}} skipped: {{.Reasons}}", map[string]any{"Count": len(skipped), "Reasons": countedReasons(reasons)}))
	}
	return strings.Join(parts, ", ") + "."
}

// countedReasons is "not signed in" when all agree, else each reason with
// its count, most frequent first: "not signed in (3), unreachable (1)".
func countedReasons(reasons []string) string {
	count := map[string]int{}
	var order []string
	for _, r := range reasons {
		if count[r] == 0 {
			order = append(order, r)
		}
		count[r]++
	}
	if len(order) == 1 {
		return order[0]
	}
	slices.SortStableFunc(order, func(a, b string) int { return count[b] - count[a] })
	parts := make([]string, len(order))
	for i, r := range order {
		parts[i] = r + " (" + strconv.Itoa(count[r]) + ")"
	}
	return strings.Join(parts, ", ")
}

// failureReason is why a target failed, in a few words for the summary.
func failureReason(r service.PublishResult) string {
	code := r.ErrorCode
	if r.Problem != nil {
		code = r.Problem.Code
	}
	switch code {
	case connector.CodeNotAuthorized:
		return lang.L("not signed in")
	case connector.CodeNeedsReauth, connector.CodeVerifyNeedsReauth, connector.CodeWrongOrg:
		return lang.L("its sign-in has expired")
	case connector.CodeUnreachable, connector.CodeTimeout, connector.CodeMaintenance:
		return lang.L("Salesforce could not be reached")
	case connector.CodePermissionMissing, connector.CodeAPIDisabled, connector.CodeInsufficientAccess:
		return lang.L("a permission is missing")
	case connector.CodeChangedOutside:
		return lang.L("changed outside Connectors")
	case connector.CodeResourceExists:
		return lang.L("a resource of that name exists")
	case connector.CodeCanceled:
		return lang.L("interrupted")
	}
	return lang.L("see below")
}

// DefaultNotifyAfter is how long a publish runs before its end is worth a
// desktop notification (the user may have switched to another window).
const DefaultNotifyAfter = 5 * time.Second

// notifyDone sends a desktop notification saying how many targets
// succeeded, when the publish took longer than notifyAfter.
func (s *publishScreen) notifyDone(total, ok int) {
	if s.started.IsZero() || time.Since(s.started) < s.notifyAfter {
		return
	}
	title := lang.L("Publish finished")
	if ok < total {
		title = lang.L("Publish finished with failures")
	}
	s.act.notify(fyne.NewNotification(title,
		lang.L("{{.OK}} of {{.Total}} targets succeeded.", map[string]any{"OK": ok, "Total": total})))
}

// askReplace names each resource a publish refused to replace (this app
// did not publish it): its size, and when and by whom it was last modified.
// Replace publishes again to those targets with ReplaceExisting (each is
// backed up first).
func (s *publishScreen) askReplace(results []service.PublishResult) {
	var lines []string
	keys := make([]connector.Key, 0, len(results))
	for _, r := range results {
		ex := r.Existing
		by := ex.LastModifiedByName
		if by == "" {
			by = ex.LastModifiedByID
		}
		lines = append(lines, lang.L("{{.Connector}}: {{.Resource}} ({{.Size}}), last modified {{.Date}} by {{.User}}.", map[string]any{
			"Connector": keyText(r.Key), "Resource": ex.Name, "Size": humanSize(ex.Size),
			"Date": formatTime(ex.LastModifiedDate), "User": by,
		}))
		keys = append(keys, r.Key)
	}
	msg := lang.L("The org already has a static resource of that name that this app did not publish:") + "\n\n" +
		strings.Join(lines, "\n") + "\n\n" + lang.L("Replace it? It is backed up on this computer first.")
	d := newConfirm(lang.L("Replace a resource this app did not publish?"), msg, func(yes bool) {
		s.replaceDialog = nil
		if yes {
			s.publishWith(keys, true)
		}
	}, s.act.win())
	d.SetConfirmText(lang.L("Replace"))
	d.SetDismissText(lang.L("Cancel"))
	d.SetConfirmImportance(widget.DangerImportance)
	s.replaceDialog, s.replaceKeys = d, keys
	s.act.track(d, d.Default)
	d.Show()
}

// onRestore re-uploads the most recent local backup, after a confirmation
// naming that version; a production target is confirmed by typing its
// name, once it is known to be authorized.
func (s *publishScreen) onRestore() {
	keys := s.targetKeys()
	if len(keys) != 1 || s.running || s.act.svc() == nil {
		return
	}
	k := keys[0]
	c, _ := s.m.connectorFor(k)
	version, ok, err := s.act.svc().RestoreVersion(k, "")
	if err != nil || !ok {
		s.act.showError(lang.L("Nothing to restore"), &connector.Problem{Code: connector.CodeNoBackup,
			Message: lang.L("There is no backup of this resource on this computer yet."), Fix: lang.L("A backup is taken each time a publish replaces a version.")})
		return
	}
	org := k.System
	if c.Org != nil {
		org = c.Org.OrgName + " (" + c.Org.OrgID + ")"
	}
	msg := lang.L("Put back the version of {{.Date}} ({{.Size}}) of {{.Resource}} on {{.Connector}} ({{.Org}})? The current version is backed up first.",
		map[string]any{"Date": formatTime(version.TakenAt), "Size": humanSize(version.Size),
			"Resource": c.EffectiveResourceName(), "Connector": keyText(k), "Org": org})
	prod := c.IsProductionTarget()
	d := newConfirm(lang.L("Restore previous version?"), msg, func(yes bool) {
		s.restoreDialog = nil
		if !yes {
			return
		}
		if !prod {
			s.restore(k, c.EffectiveResourceName(), false)
			return
		}
		s.whenAuthorized([]connector.Key{k}, func() {
			s.confirmProduction([]connector.Key{k}, true, func() { s.restore(k, c.EffectiveResourceName(), true) })
		})
	}, s.act.win())
	d.SetConfirmText(lang.L("Restore"))
	d.SetDismissText(lang.L("Cancel"))
	if prod {
		d.SetConfirmImportance(widget.DangerImportance)
	}
	s.restoreDialog = d
	s.act.track(d, d.Default)
	d.Show()
}

func (s *publishScreen) restore(k connector.Key, resource string, confirmedProduction bool) {
	s.running = true
	s.rowsBox.RemoveAll()
	s.resultsFor = s.resultsKey(s.targetKeys())
	r := newPublishRow(keyText(k))
	r.outcome.SetText(lang.L("Restoring…"))
	s.rows = map[connector.Key]*publishRow{k: r}
	setVisible(s.resultLine, false)
	r.addTo(s.rowsBox)
	s.updateTargets()
	s.act.goWork(func(ctx context.Context) {
		res := s.act.svc().Restore(ctx, k, service.RestoreOptions{Resource: resource, ConfirmProduction: confirmedProduction})
		s.act.do(func() {
			s.running = false
			r.show(res)
			if res.Outcome == service.OutcomeFailed && res.Problem != nil {
				s.act.noteError(res.Problem)
			}
			s.updateTargets()
			s.act.reload(false)
		})
	})
}

func newPublishRow(name string) *publishRow {
	r := &publishRow{
		name:    &widget.Label{Text: name, TextStyle: fyne.TextStyle{Bold: true}},
		bar:     widget.NewProgressBar(),
		icon:    widget.NewIcon(theme.UploadIcon()),
		outcome: &widget.Label{Wrapping: fyne.TextWrapWord},
		fix:     &widget.Label{Wrapping: fyne.TextWrapWord},
		devText: &widget.Label{Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Monospace: true}},
	}
	r.devs = widget.NewAccordion(widget.NewAccordionItem(lang.L("For developers"), r.devText))
	return r
}

// addTo adds the row to the rows' form layout: icon and name on the
// left, the outcome (with the progress bar while it runs) on the right.
func (r *publishRow) addTo(rows *fyne.Container) {
	setVisible(r.fix, false)
	setVisible(r.bar, false)
	setVisible(r.devs, false)
	line := widget.NewLabel("").MinSize().Height // the icon sits centred on the first line
	rows.Add(container.NewHBox(container.NewVBox(container.NewGridWrap(fyne.NewSize(theme.IconInlineSize(), line), r.icon)), r.name))
	rows.Add(container.NewVBox(r.bar, r.outcome, r.fix, r.devs))
}

// skip shows a target the user left out: why, and no progress bar.
func (r *publishRow) skip(st connector.Status) {
	r.icon.SetResource(theme.NewDisabledResource(theme.CancelIcon()))
	r.outcome.SetText(lang.L("Skipped: {{.Reason}}", map[string]any{"Reason": blockedReason(st)}))
}

// show renders a result: published, already up to date, or failed with the fix.
func (r *publishRow) show(res service.PublishResult) {
	setVisible(r.bar, false) // finished: the icon and the words say how
	switch res.Outcome {
	case service.OutcomeCreated, service.OutcomeUpdated:
		r.bar.SetValue(1)
		r.icon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
		r.outcome.Importance = widget.SuccessImportance
		switch {
		case res.RestoredFrom != nil:
			r.outcome.SetText(lang.L("Restored the version of {{.Date}} of {{.Resource}} ({{.Size}}).", map[string]any{
				"Date": formatTime(res.RestoredFrom.TakenAt), "Resource": res.Resource, "Size": humanSize(res.Size)}))
		case res.Outcome == service.OutcomeCreated:
			r.outcome.SetText(lang.L("Published: {{.Resource}} created ({{.Size}}).", map[string]any{"Resource": res.Resource, "Size": humanSize(res.Size)}))
		default:
			r.outcome.SetText(lang.L("Published: {{.Resource}} updated ({{.Size}}).", map[string]any{"Resource": res.Resource, "Size": humanSize(res.Size)}))
		}
		note := cacheText(res.Served)
		if dev := servedText(res.Served); dev != "" {
			r.devText.SetText(dev)
			setVisible(r.devs, true)
		}
		if res.ChangedOutside {
			note = strings.TrimSpace(lang.L("It had been changed outside this app since its last publish; that version was backed up first.") + "\n" + note)
		}
		if v := res.Replaced; v != nil && v.Provenance == connector.ProvConnectors {
			note = strings.TrimSpace(lang.L("It replaced the version published with Connectors on {{.Date}} by {{.User}} (another computer, a teammate or CI); that version was backed up first.",
				map[string]any{"Date": formatTime(v.When()), "User": userText(v.Who())}) + "\n" + note)
		}
		r.fix.SetText(note)
		setVisible(r.fix, note != "")
	case service.OutcomeUpToDate:
		r.bar.SetValue(1)
		r.icon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
		r.outcome.Importance = widget.MediumImportance
		r.outcome.SetText(lang.L("Already up to date: {{.Resource}} has this content.", map[string]any{"Resource": res.Resource}))
		setVisible(r.fix, false)
		if v := res.Found; v != nil && v.Provenance == connector.ProvConnectors {
			r.fix.SetText(lang.L("Published with Connectors on {{.Date}} by {{.User}} (another computer, a teammate or CI).",
				map[string]any{"Date": formatTime(v.When()), "User": userText(v.Who())}))
			setVisible(r.fix, true)
		}
	default:
		r.icon.SetResource(theme.NewErrorThemedResource(theme.ErrorIcon()))
		r.outcome.Importance = widget.DangerImportance
		var err error = res.Problem
		if res.Problem == nil {
			err = &connector.Problem{Code: "publish_failed", ID: "publish_failed_unexplained", Message: "The publish failed.", // res.Error is English
				Fix: "Publish again; if it fails again, click Copy diagnostics and send the report to your support."}
		}
		msg, fix := problemText(err)
		r.outcome.SetText(lang.L("Failed: {{.Message}}", map[string]any{"Message": msg}))
		r.outcome.Refresh()
		if fix != "" {
			r.fix.SetText(fix)
			setVisible(r.fix, true)
		} else {
			setVisible(r.fix, false)
		}
	}
	r.outcome.Refresh()
}
