package ui

import (
	"context"
	"strings"
	"time"

	"github.com/connectors-app/connectors/connector/service"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/connectors-app/connectors/connector"
)

// authScreen is the Connectors tab, after the Editor's Settings →
// Connectors: environment, optional My Domain, Authorize; while
// authorizing a spinner, the URL with Copy, Cancel and the paste-the-URL
// fallback; afterwards the org card.
type authScreen struct {
	m   *model // what it reads
	act authActions
	key connector.Key

	system     *widget.Label
	env        *widget.Select
	domain     *widget.Entry
	domainHint *widget.Label
	authBtn    *button
	renameBtn  *button
	removeBtn  *button
	settingEnv bool
	envs       []connector.Environment // the environment select's choices

	// the open rename and remove dialogs, for tests
	renameDialog *formDialog
	renameEntry  *entry
	removeDialog *choiceDialog

	waiting   *fyne.Container
	spinner   *widget.Activity
	waitLabel *widget.Label
	urlLabel  *widget.Label
	copyBtn   *button
	cancelBtn *button
	paste     *widget.Entry
	submitBtn *button
	pasteErr  *widget.Label

	errBox *fyne.Container
	errMsg *widget.Label
	errFix *widget.Label

	hintCard      *widget.Card
	authCard      *widget.Card
	authBody      *fyne.Container
	body          *fyne.Container
	scroll        *container.Scroll
	orgCard       *widget.Card
	orgBox        *fyne.Container
	envStrip      *canvas.Rectangle
	envBadge      *statusBadge
	stateBadge    *statusBadge
	user          *widget.Label
	loginURL      *widget.Label
	stateMsg      *widget.Label
	stateBtn      *button // the message's action: Sign in again, Check again, Try again
	stateBox      *fyne.Container
	stateAct      func()
	perms         *fyne.Container
	lastChecked   *widget.Label
	lastPublish   *widget.Label
	nextStep      *fyne.Container
	nextText      *widget.Label
	nextBtn       *button
	disconnectBtn *button
	historyBtn    *button
	// signInBtn shows the sign-in form (environment, My Domain, Sign in
	// again) under a signed-in card, where it is folded away.
	signInBtn  *button
	signInOpen bool
	manageRow  *fyne.Container

	flow       service.AuthFlow
	flowCancel context.CancelFunc
	flowKey    connector.Key
	errKey     connector.Key
	lastErr    error
	domainFor  connector.Key
	domainSrc  string // the stored login URL the field was filled from
}

func newAuthScreen(v *view) *authScreen {
	s := &authScreen{m: v.model, act: v.authActions()}
	s.system = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}}
	s.env = widget.NewSelect(envOptions(), s.onEnvChanged)
	s.domain = &widget.Entry{
		PlaceHolder: lang.L("e.g. acme or https://acme.my.salesforce.com"),
		OnChanged:   s.onDomainChanged, OnSubmitted: func(string) { s.onAuthorize() },
	}
	s.domain.ExtendBaseWidget(s.domain)
	s.domainHint = &widget.Label{SizeName: theme.SizeNameCaptionText, Wrapping: fyne.TextWrapWord}
	s.authBtn = btn(&button{Button: widget.Button{Text: lang.L("Authorize"), Icon: theme.LoginIcon(), Importance: widget.HighImportance, OnTapped: s.onAuthorize}})
	s.renameBtn = btn(&button{Button: widget.Button{Text: lang.L("Rename…"), Icon: theme.DocumentCreateIcon(), OnTapped: s.onRename}})
	s.removeBtn = btn(&button{Button: widget.Button{Text: lang.L("Remove…"), Icon: theme.DeleteIcon(), OnTapped: s.onRemove}})

	s.spinner = widget.NewActivity()
	s.waitLabel = &widget.Label{Text: lang.L("Waiting for you to sign in in your browser…"), TextStyle: fyne.TextStyle{Bold: true}}
	s.urlLabel = &widget.Label{Truncation: fyne.TextTruncateEllipsis, SizeName: theme.SizeNameCaptionText}
	s.copyBtn = btn(&button{Button: widget.Button{Text: lang.L("Copy"), Icon: theme.ContentCopyIcon(), OnTapped: s.onCopyURL}})
	s.cancelBtn = btn(&button{Button: widget.Button{Text: lang.L("Cancel"), Icon: theme.CancelIcon(), OnTapped: s.onCancel}})
	s.paste = &widget.Entry{PlaceHolder: "http://localhost:1717/…", OnSubmitted: func(string) { s.onSubmitPasted() }}
	s.paste.ExtendBaseWidget(s.paste)
	s.submitBtn = btn(&button{Button: widget.Button{Text: lang.L("Submit"), OnTapped: s.onSubmitPasted}})
	s.pasteErr = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	setVisible(s.pasteErr, false)

	s.errMsg = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance, TextStyle: fyne.TextStyle{Bold: true}}
	s.errFix = &widget.Label{Wrapping: fyne.TextWrapWord}

	s.envBadge = newStatusBadge("", toneNeutral)
	s.stateBadge = newStatusBadge("", toneNeutral)
	s.user = &widget.Label{}
	s.loginURL = &widget.Label{}
	s.stateMsg = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance}
	s.stateBtn = btn(&button{Button: widget.Button{OnTapped: func() {
		if s.stateAct != nil {
			s.stateAct()
		}
	}}})
	s.perms = container.NewVBox()
	s.lastChecked = &widget.Label{}
	s.lastPublish = &widget.Label{Wrapping: fyne.TextWrapWord}
	s.nextText = &widget.Label{Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Bold: true}}
	s.nextBtn = btn(&button{Button: widget.Button{Text: lang.L("Choose content and publish"), Icon: theme.NavigateNextIcon(), Importance: widget.HighImportance, OnTapped: s.onNextStep}})
	s.signInBtn = btn(&button{Button: widget.Button{Text: lang.L("Sign-in settings…"), Icon: theme.SettingsIcon(), OnTapped: s.onSignInSettings}})
	s.historyBtn = newHistoryButton(s.act.showHistory, func() connector.Key { return s.key })
	s.disconnectBtn = btn(&button{Button: widget.Button{Text: lang.L("Disconnect"), Icon: theme.LogoutIcon(), Importance: widget.DangerImportance, OnTapped: s.onDisconnect}})
	return s
}

func (s *authScreen) build() fyne.CanvasObject {
	form := &widget.Form{Items: []*widget.FormItem{
		{Text: lang.L("System"), Widget: s.system},
		{Text: lang.L("Salesforce Environment"), Widget: s.env},
		{Text: lang.L("My Domain (optional)"), Widget: container.NewVBox(s.domain, s.domainHint)},
	}}
	form.ExtendBaseWidget(form)

	s.waiting = container.NewVBox(
		widget.NewSeparator(),
		container.NewHBox(container.NewGridWrap(fyne.NewSquareSize(theme.IconInlineSize()*1.5), s.spinner), s.waitLabel),
		container.NewBorder(nil, nil, nil, container.NewHBox(s.copyBtn, s.cancelBtn), s.urlLabel),
		&widget.Label{Text: lang.L("Browser didn't come back? Paste the address from its address bar:"), Wrapping: fyne.TextWrapWord},
		container.NewBorder(nil, nil, nil, s.submitBtn, s.paste),
		s.pasteErr,
	)
	setVisible(s.waiting, false)

	s.errBox = container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(theme.NewErrorThemedResource(theme.ErrorIcon()))), nil,
		container.NewVBox(s.errMsg, s.errFix))
	setVisible(s.errBox, false)

	s.authBody = container.NewVBox(
		&widget.Label{Text: lang.L("Sign in to Salesforce in your browser to let this app publish to your org."), Wrapping: fyne.TextWrapWord},
		form,
		container.NewHBox(layout.NewSpacer(), s.authBtn),
		s.waiting, s.errBox)
	s.authCard = &widget.Card{
		Title:   lang.L("Salesforce Authorization"),
		Content: s.authBody,
	}
	s.authCard.ExtendBaseWidget(s.authCard)
	// Managing the connector itself, whatever its state.
	s.manageRow = container.NewHBox(s.renameBtn, s.removeBtn, layout.NewSpacer(), s.signInBtn)

	s.envStrip = canvas.NewRectangle(nil)
	s.envStrip.SetMinSize(fyne.NewSize(0, 4))
	// One column of left-aligned labels, values in the body font.
	label := func(text string) *widget.Label {
		return &widget.Label{Text: text, TextStyle: fyne.TextStyle{Bold: true}}
	}
	details := container.New(layout.NewFormLayout(),
		label(lang.L("User")), s.user,
		label(lang.L("Signs in at")), s.loginURL,
		label(lang.L("Last checked")), s.lastChecked,
		label(lang.L("Last publish")), s.lastPublish,
		label(lang.L("Permissions")), s.perms,
	)
	// What needs attention, with its action right by it.
	s.stateBox = container.NewBorder(nil, nil, nil, container.NewCenter(s.stateBtn), s.stateMsg)
	setVisible(s.stateBox, false)
	s.nextStep = container.NewBorder(nil, nil, nil, container.NewCenter(s.nextBtn), s.nextText)
	setVisible(s.nextStep, false)
	s.orgCard = &widget.Card{Content: container.NewVBox(
		container.NewBorder(nil, nil, container.NewHBox(s.envBadge, s.stateBadge),
			container.NewHBox(s.historyBtn, s.disconnectBtn)),
		s.stateBox,
		details,
		s.nextStep,
	)}
	s.orgCard.ExtendBaseWidget(s.orgCard)
	s.orgBox = container.NewBorder(s.envStrip, nil, nil, nil, s.orgCard)
	setVisible(s.orgBox, false)

	s.hintCard = &widget.Card{
		Title: lang.L("Not authorized yet"),
		Content: container.NewVBox(
			hintLine(theme.LoginIcon(), lang.L("Authorize opens the Salesforce sign-in page in your browser. This app never sees your password.")),
			hintLine(theme.AccountIcon(), lang.L("Sign in as an administrator with API Enabled and Customize Application.")),
			hintLine(theme.StorageIcon(), s.storageHint()),
		),
	}
	s.hintCard.ExtendBaseWidget(s.hintCard)
	setVisible(s.hintCard, false)

	// The org card comes first: once authorized it is what the admin
	// needs, with its actions, without scrolling at 1000×700.
	s.body = container.NewVBox(s.orgBox, s.authCard, s.hintCard, s.manageRow)
	s.scroll = container.NewVScroll(container.NewPadded(s.body))
	return s.scroll
}

// show displays connector k (stored or not yet).
func (s *authScreen) show(k connector.Key) {
	s.key = k
	s.system.SetText(k.System)
	s.settingEnv = true
	s.envs = s.envChoices(k)
	opts := make([]string, len(s.envs))
	for i, e := range s.envs {
		opts[i] = envText(e)
	}
	s.env.SetOptions(opts)
	for i, e := range s.envs {
		if e.Same(k.Environment) {
			s.env.SetSelectedIndex(i)
		}
	}
	s.settingEnv = false
	stored := ""
	if c, ok := s.m.connectorFor(k); ok && c.LoginURL != k.Environment.DefaultLoginURL() {
		stored = c.LoginURL
	}
	if s.domainFor != k || s.domainSrc != stored {
		s.domainFor, s.domainSrc = k, stored
		s.domain.SetText(stored)
	}
	s.onDomainChanged(s.domain.Text)
	s.render()
}

// envChoices are the environments the select offers for k's system:
// Production, Sandbox, Test, then the named ones its connectors use.
func (s *authScreen) envChoices(k connector.Key) []connector.Environment {
	envs := append([]connector.Environment(nil), connector.Environments...)
	add := func(e connector.Environment) {
		for _, have := range envs {
			if have.Same(e) {
				return
			}
		}
		envs = append(envs, e)
	}
	for _, c := range s.m.connectors {
		if strings.EqualFold(c.System, k.System) && c.Environment.IsNamed() {
			add(c.Environment)
		}
	}
	if k.Environment.IsNamed() {
		add(k.Environment)
	}
	return envs
}

// authorizing reports whether a flow is running for the shown connector.
func (s *authScreen) authorizing() bool { return s.flowCancel != nil && s.flowKey == s.key }

func (s *authScreen) render() {
	s.renderParts()
	s.relayout()
}

// relayout lays the tab out again after parts were shown or hidden.
func (s *authScreen) relayout() {
	if s.body == nil {
		return
	}
	s.waiting.Refresh()
	s.orgCard.Content.Refresh()
	s.authBody.Refresh()
	s.body.Refresh()
	s.scroll.Refresh()
}

func (s *authScreen) renderParts() {
	k := s.key
	busy := s.flowCancel != nil
	_, stored := s.m.connectorFor(k)
	setVisible(s.renameBtn, stored)
	setVisible(s.removeBtn, stored)
	s.setBusy(busy)
	if s.authorizing() {
		setVisible(s.waiting, true)
		s.spinner.Start()
	} else {
		s.spinner.Stop()
		setVisible(s.waiting, false)
	}
	s.renderError()
	c, ok := s.m.connectorFor(k)
	st, checked := s.m.status[k]
	signedOut := checked && st.State == connector.StateNotAuthorized
	signedIn := ok && c.Org != nil && !signedOut
	s.setAuthLabel(signedIn)
	// Signed in, the card is what the admin needs: the sign-in form is
	// folded away behind Sign-in settings (it repeated under the card),
	// unless it shows an error or a sign-in is under way.
	setVisible(s.signInBtn, signedIn && !s.authorizing())
	s.signInBtn.SetText(map[bool]string{false: lang.L("Sign-in settings…"), true: lang.L("Hide sign-in settings")}[s.signInOpen])
	setVisible(s.authCard, !signedIn || s.signInOpen || s.authorizing() || s.errBox.Visible())
	if !signedIn || s.authorizing() {
		setVisible(s.orgBox, false)
		setVisible(s.hintCard, !s.authorizing())
		return
	}
	setVisible(s.hintCard, false)
	s.renderOrg(c)
	setVisible(s.orgBox, true)
}

// renderError shows the last sign-in error of the shown connector.
func (s *authScreen) renderError() {
	if s.lastErr != nil && s.errKey == s.key && !s.authorizing() {
		msg, fix := problemText(s.lastErr)
		s.errMsg.SetText(msg)
		s.errFix.SetText(fix)
		setVisible(s.errBox, true)
		return
	}
	setVisible(s.errBox, false)
}

// setBusy disables what must wait while a sign-in runs.
func (s *authScreen) setBusy(busy bool) {
	for _, d := range []fyne.Disableable{s.renameBtn, s.removeBtn, s.authBtn, s.disconnectBtn, s.stateBtn, s.env, s.domain} {
		if busy {
			d.Disable()
		} else {
			d.Enable()
		}
	}
}

// onSignInSettings shows or folds the sign-in form under a signed-in card.
func (s *authScreen) onSignInSettings() {
	s.signInOpen = !s.signInOpen
	s.render()
}

// renderOrg fills the org card: who, where, which environment, and whether
// the user may publish.
func (s *authScreen) renderOrg(c connector.Connector) {
	k := c.Key()
	org := c.Org
	title := org.OrgName
	if title == "" { // without API access the org's name cannot be read
		title = lang.L("Org name unknown")
	}
	s.orgCard.SetTitle(title)
	s.orgCard.SetSubTitle(lang.L("Org ID {{.ID}}", map[string]any{"ID": org.OrgID}))
	envLabel, tone := envText(k.Environment), envTone(k.Environment)
	if c.IsProductionTarget() { // a production org, whatever slot it sits in
		prod := strings.ToUpper(envText(connector.Production))
		envLabel, tone = prod, envTone(connector.Production)
		if k.Environment != connector.Production {
			envLabel = prod + " · " + envText(k.Environment)
		}
	}
	s.envBadge.Set(envLabel, tone)
	bg, _ := s.envBadge.colors()
	s.envStrip.FillColor = theme.Color(bg)
	s.envStrip.Refresh()
	s.user.SetText(org.Username)
	s.loginURL.SetText(c.LoginURL)

	st, hasStatus := s.m.status[k]
	var live *connector.Status
	if hasStatus {
		live = &st
	}
	state := connector.StateOf(c, live) // the list's badge uses the same rule
	s.stateBadge.Set(stateText(state), stateTone(state))
	s.lastChecked.SetText(lastCheckedText(c, live))
	lp := connector.LastPublished(c, live)
	s.lastPublish.SetText(lastPublishText(lp))
	s.renderNextStep(state, lp)
	s.renderState(c, live, state)

	s.perms.RemoveAll()
	p, ok := s.m.perms[k]
	if !ok || !p.Checked {
		s.perms.Add(&widget.Label{Text: lang.L("Not checked yet: it runs with the next status check.")})
		return
	}
	for _, l := range p.Lines() {
		s.perms.Add(permissionRow(l))
	}
}

// renderNextStep says what to do next once the connector works: publish,
// or, once published, check it in Salesforce and publish again later.
func (s *authScreen) renderNextStep(state connector.State, lp *connector.LastPublish) {
	setVisible(s.nextStep, state == connector.StateConnected)
	if lp == nil {
		s.nextText.SetText(lang.L("Next step: choose the content bundle and publish it."))
		return
	}
	s.nextText.SetText(lang.L("Published. Next: check it in Salesforce, and publish again when the content changes."))
}

// renderState says what needs attention, with the action that fixes it
// right by the words: Sign in again, Check again (after a permission was
// granted), Try again (when Salesforce could not be reached).
func (s *authScreen) renderState(c connector.Connector, live *connector.Status, state connector.State) {
	msg, fix := "", ""
	if live != nil {
		msg, fix = statusText(*live)
	}
	s.stateMsg.Importance = widget.WarningImportance
	s.stateAct = nil
	switch {
	case live != nil && state.NeedsAttention() && msg != "":
		s.stateMsg.SetText(strings.TrimSpace(msg + " " + fix))
		s.setStateAction(state)
	case driftOf(c, s.m.status) != nil:
		s.stateMsg.SetText(driftText(c.EffectiveResourceName(), driftOf(c, s.m.status))) // plan.go
	case live.FoundElsewhere() != nil:
		v := live.FoundElsewhere()
		s.stateMsg.Importance = widget.MediumImportance // information, not a warning
		s.stateMsg.SetText(lang.L("The org holds the version published with Connectors on {{.Date}} by {{.User}} (another computer, a teammate or CI).",
			map[string]any{"Date": formatTime(v.When()), "User": userText(v.Who())}))
	default:
		setVisible(s.stateBox, false)
		return
	}
	s.stateMsg.Refresh()
	setVisible(s.stateBtn, s.stateAct != nil)
	setVisible(s.stateBox, true)
}

// setStateAction puts the action that fixes state next to its message.
func (s *authScreen) setStateAction(state connector.State) {
	k := s.key
	text, imp := "", widget.MediumImportance
	switch state {
	case connector.StateNeedsReauth, connector.StateSandboxRefreshed, connector.StateEnvMismatch, connector.StateNotAuthorized:
		text, imp, s.stateAct = lang.L("Sign in again"), widget.HighImportance, s.onAuthorize
	case connector.StatePermissionMissing:
		text, s.stateAct = lang.L("Check again"), func() { s.act.checkNow(k) }
	case connector.StateUnreachable, connector.StateKeyringError:
		text, s.stateAct = lang.L("Try again"), func() { s.act.checkNow(k) }
	default:
		return
	}
	s.stateBtn.Text, s.stateBtn.Importance = text, imp
	s.stateBtn.SetIcon(map[bool]fyne.Resource{true: theme.LoginIcon(), false: theme.ViewRefreshIcon()}[imp == widget.HighImportance])
	s.stateBtn.Refresh()
}

// lastPublishText is the card's "Last publish" line: when, by whom, which
// version of which resource; or that there was none.
func lastPublishText(lp *connector.LastPublish) string {
	if lp == nil {
		return lang.L("Not published yet")
	}
	by := lp.By
	if by == "" {
		by = "?"
	}
	return lang.L("{{.Date}} by {{.User}}: version {{.Version}} of {{.Resource}}",
		map[string]any{"Date": formatTime(lp.At), "User": by, "Version": lp.Version, "Resource": lp.Resource})
}

// lastPublishedShort is the list row's short "last published …" text for
// c (its live status, nil: none), or "" when it was never published.
func lastPublishedShort(c connector.Connector, live *connector.Status) string {
	lp := connector.LastPublished(c, live)
	if lp == nil {
		return ""
	}
	return lang.L("last published {{.Date}}", map[string]any{"Date": formatTime(lp.At)})
}

// onModel redraws the tab when the selected connector, its status or the
// list changes.
func (s *authScreen) onModel(ev modelEvent) {
	switch ev.Kind {
	case connectorsChanged, selectionChanged:
		s.show(s.m.selected)
	case statusChanged:
		if ev.Key == s.m.selected {
			s.show(ev.Key)
		}
	}
}

// setAuthLabel names the one sign-in button after the state: Authorize
// before the first sign-in, Sign in again once the connector has an org.
func (s *authScreen) setAuthLabel(signedIn bool) {
	text, imp := lang.L("Authorize"), widget.HighImportance
	if signedIn { // the card's next step is the primary action then
		text, imp = lang.L("Sign in again"), widget.MediumImportance
	}
	if s.authBtn.Text != text || s.authBtn.Importance != imp {
		s.authBtn.Text, s.authBtn.Importance = text, imp
		s.authBtn.Refresh()
	}
}

// lastCheckedText is when the connector was last checked live: this
// session's check, else the one recorded in the registry.
func lastCheckedText(c connector.Connector, live *connector.Status) string {
	var at time.Time
	switch {
	case live != nil && !live.CheckedAt.IsZero():
		at = live.CheckedAt
	case c.LastCheck != nil:
		at = *c.LastCheck
	default:
		return lang.L("Not checked yet")
	}
	return formatTime(at)
}

// onNextStep goes to the Content bundle tab, where publishing happens.
func (s *authScreen) onNextStep() { s.act.showPublishTab() }

// permissionRow is "✓ API Enabled", "? Customize Application: not checked"
// or "✗ Customize Application is missing" with the fix.
func permissionRow(l connector.PermissionLine) fyne.CanvasObject {
	name := l.Name
	switch l.State {
	case connector.PermGranted:
		return container.NewHBox(widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon())),
			widget.NewLabel(permissionName(name)))
	case connector.PermNotChecked:
		return container.NewHBox(widget.NewIcon(theme.NewDisabledResource(theme.QuestionIcon())),
			&widget.Label{Text: lang.L("{{.Name}}: not checked (it cannot be read without API access)", map[string]any{"Name": permissionName(name)})})
	}
	// the fix is the card's one instruction, above: no second one here
	return container.NewHBox(widget.NewIcon(theme.NewErrorThemedResource(theme.CancelIcon())),
		&widget.Label{Text: lang.L("{{.Name}} is missing", map[string]any{"Name": permissionName(name)}), Importance: widget.DangerImportance, TextStyle: fyne.TextStyle{Bold: true}})
}

func (s *authScreen) onEnvChanged(string) {
	if s.settingEnv {
		return
	}
	i := s.env.SelectedIndex()
	if i < 0 || i >= len(s.envs) {
		return
	}
	s.act.selectKey(connector.Key{System: s.key.System, Environment: s.envs[i]})
}

// resolveLoginURL is the login URL Authorize will use: the stored one when
// the field shows it, the environment's default when the field is empty,
// else the normalised My Domain.
func (s *authScreen) resolveLoginURL() (string, error) {
	text := strings.TrimSpace(s.domain.Text)
	if text == "" {
		return s.key.Environment.DefaultLoginURL(), nil
	}
	if c, ok := s.m.connectorFor(s.key); ok && text == c.LoginURL {
		return c.LoginURL, nil
	}
	return connector.NormalizeLoginURL(text, s.key.Environment)
}

// onDomainChanged shows the resolved login URL live, or why it can't be used.
func (s *authScreen) onDomainChanged(string) {
	u, err := s.resolveLoginURL()
	if err != nil {
		s.domainHint.Importance = widget.DangerImportance
		s.domainHint.SetText(lang.L("Can't use this address: {{.Reason}}", map[string]any{"Reason": problemLine(err)}))
		return
	}
	s.domainHint.Importance = widget.MediumImportance
	s.domainHint.SetText(lang.L("Signs in at {{.URL}}", map[string]any{"URL": u}))
}

// onAuthorize starts the OAuth flow in the background; the browser opens on
// the authorize URL and the window waits for the redirect.
func (s *authScreen) onAuthorize() {
	if s.flowCancel != nil || s.act.svc() == nil {
		return
	}
	k := s.key
	loginURL, err := s.resolveLoginURL()
	if err != nil {
		s.setError(k, err)
		s.render()
		return
	}
	ctx, cancel := context.WithCancel(s.act.ctx())
	s.flowCancel, s.flowKey, s.flow = cancel, k, nil
	s.lastErr = nil
	s.waitLabel.SetText(lang.L("Opening the sign-in page…"))
	s.urlLabel.SetText("")
	s.copyBtn.Disable()
	s.paste.SetText("")
	setVisible(s.pasteErr, false)
	s.render()
	s.act.goWork(func(context.Context) {
		defer cancel()
		res, err := s.runAuthorize(ctx, k, loginURL)
		if err != nil && ctx.Err() != nil {
			err = &connector.Problem{Code: connector.CodeCanceled, Message: "The authorization was canceled.", Err: err}
		}
		s.act.do(func() { s.finishAuthorize(k, res, err) })
	})
}

// runAuthorize runs off the UI goroutine: start the flow (which records
// the login URL when the authorization succeeds), show the URL, open the
// browser, wait.
func (s *authScreen) runAuthorize(ctx context.Context, k connector.Key, loginURL string) (*service.AuthorizeResult, error) {
	flow, err := s.act.svc().StartAuthorize(ctx, k, service.AuthorizeOptions{LoginURL: loginURL, Pages: browserPages()})
	if err != nil {
		return nil, err
	}
	u := flow.URL()
	s.act.do(func() {
		s.flow = flow
		s.waitLabel.SetText(lang.L("Waiting for you to sign in in your browser…"))
		s.urlLabel.SetText(u)
		s.copyBtn.SetText(lang.L("Copy"))
		s.copyBtn.SetIcon(theme.ContentCopyIcon())
		s.copyBtn.Enable()
	})
	if err := s.act.openBrowser(u); err != nil {
		s.act.do(func() {
			s.waitLabel.SetText(lang.L("Couldn't open your browser: copy the address below into it."))
		})
	}
	return flow.Wait(ctx)
}

// finishAuthorize shows the outcome: the org card, or the error with its fix.
func (s *authScreen) finishAuthorize(k connector.Key, res *service.AuthorizeResult, err error) {
	s.flow, s.flowCancel = nil, nil
	if err != nil {
		if connector.AsProblem(err).Code != connector.CodeCanceled {
			s.setError(k, err)
			s.act.noteError(err)
		}
		s.render()
		return
	}
	if res.Problem != nil {
		s.act.noteError(res.Problem)
	}
	s.act.authorized(k, res)
}

func (s *authScreen) setError(k connector.Key, err error) {
	s.errKey, s.lastErr = k, err
}

func (s *authScreen) onCopyURL() {
	if s.urlLabel.Text == "" {
		return
	}
	s.act.copyText(s.urlLabel.Text)
	s.copyBtn.SetText(lang.L("Copied"))
	s.copyBtn.SetIcon(theme.ConfirmIcon())
}

func (s *authScreen) onCancel() {
	if s.flow != nil {
		s.flow.Cancel()
	}
	if s.flowCancel != nil {
		s.flowCancel()
	}
}

// onSubmitPasted finishes the flow from the address the user pasted.
func (s *authScreen) onSubmitPasted() {
	raw := strings.TrimSpace(s.paste.Text)
	flow := s.flow
	if flow == nil || raw == "" {
		return
	}
	s.submitBtn.Disable()
	s.act.goWork(func(context.Context) {
		err := flow.SubmitCallbackURL(raw)
		s.act.do(func() {
			s.submitBtn.Enable()
			if err != nil {
				s.pasteErr.SetText(problemLine(err))
				setVisible(s.pasteErr, true)
				s.relayout()
				return
			}
			setVisible(s.pasteErr, false)
			s.relayout()
		})
	})
}

// onDisconnect asks first, then revokes and deletes the local tokens.
func (s *authScreen) onDisconnect() {
	k := s.key
	c, ok := s.m.connectorFor(k)
	if !ok || s.act.svc() == nil {
		return
	}
	org := k.System
	if c.Org != nil {
		org = c.Org.OrgName + " (" + c.Org.OrgID + ")"
	}
	msg := lang.L("Disconnect {{.Connector}} from {{.Org}}? Salesforce ends this app's access, and this computer forgets the sign-in.",
		map[string]any{"Connector": keyText(k), "Org": org})
	d := newConfirm(lang.L("Disconnect?"), msg, func(yes bool) {
		if yes {
			s.disconnect(k)
		}
	}, s.act.win())
	d.SetConfirmText(lang.L("Disconnect"))
	d.SetDismissText(lang.L("Cancel"))
	d.SetConfirmImportance(widget.DangerImportance)
	s.act.track(d, d.Default)
	d.Show()
}

func (s *authScreen) disconnect(k connector.Key) {
	s.disconnectBtn.Disable()
	s.act.goWork(func(ctx context.Context) {
		res, err := s.act.svc().Disconnect(ctx, k)
		var st connector.Status
		if err == nil {
			st = s.act.svc().Status(ctx, k) // signed out: the list and the card say so at once
			st.Key = k
		}
		s.act.do(func() {
			s.disconnectBtn.Enable()
			if err != nil {
				s.act.showError(lang.L("Couldn't disconnect"), err)
				return
			}
			if res != nil && res.Problem != nil {
				s.act.showError(lang.L("Disconnected on this computer only"), res.Problem)
			}
			s.act.signedOut(k, st)
		})
	})
}

// hintLine is an icon and a wrapped sentence.
func hintLine(icon fyne.Resource, text string) fyne.CanvasObject {
	return container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(icon)), nil,
		&widget.Label{Text: text, Wrapping: fyne.TextWrapWord})
}

// storageHint says where the tokens will live.
func (s *authScreen) storageHint() string {
	if d := s.act.demo(); d != nil && d.MemoryTokens {
		return lang.L("In this demo your sign-in is kept in memory only and forgotten when you quit.")
	}
	return lang.L("Your sign-in is kept in your computer's secure password store, never in a file.")
}
