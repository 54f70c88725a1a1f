// Package ui holds the Fyne screens of the Connectors app. It receives the
// fyne.App and fyne.Window from main and never imports fyne/v2/app.
//
// Threading: every Fyne callback runs on the UI goroutine; anything that
// blocks (registry file, keyring, network, zip I/O) runs in a goroutine
// started by view.goWork, and each result comes back through fyne.Do. The
// window owns a root context: closing the window cancels work in flight.
package ui

import (
	"context"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/connectors-app/connectors/connector/service"
	"github.com/connectors-app/connectors/internal/update"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/packaging"
)

// DefaultStatusInterval is how often the connectors are re-checked.
const DefaultStatusInterval = 5 * time.Minute

// Deps is what main hands to the window.
type Deps struct {
	// Service is the domain service (registry, tokens, network).
	Service *service.Service
	// Version is the app version shown in diagnostics.
	Version string
	// Demo is set in demo mode; nil otherwise.
	Demo *Demo
	// KeyringProblem is why the OS keyring cannot be used (nil when it works).
	// Outside demo mode the window shows it with its fix.
	KeyringProblem error
	// CheckKeyring, when set, is run in the background at start; an error
	// becomes KeyringProblem and is shown in the banner.
	CheckKeyring func() error
	// OpenBrowser opens the authorize URL; nil means the Service's opener,
	// else the app's OpenURL.
	OpenBrowser func(url string) error
	// OpenBundle opens a .zip or a folder as a content bundle; nil means
	// packaging.Open.
	OpenBundle func(path string) (*packaging.Bundle, error)
	// Updates says when a newer release exists; nil: never (tests, dev builds).
	Updates *Updates
	// UIMutex, when set, is the lock the window's UI updates from
	// background work take: a test that drives the window from outside
	// (Fyne's test driver runs fyne.Do on the calling goroutine) holds it
	// while it builds or reads the window. nil: the view's own.
	UIMutex *sync.Mutex
	// FleetEvery is the period of the Fleet tab's watch; 0 means
	// DefaultFleetEvery.
	FleetEvery time.Duration
	// StatusInterval is the period of the background re-check; 0 means
	// DefaultStatusInterval, negative disables it (tests).
	StatusInterval time.Duration
}

// Demo describes demo mode: a simulated org on this computer.
type Demo struct {
	// Key is the demo connector, e.g. Demo/Sandbox.
	Key connector.Key
	// Username and Password are the demo org's sign-in, shown in the banner.
	Username, Password string
	// Bundle is the sample content, preselected.
	Bundle *packaging.Bundle
	// MemoryTokens is set when the keyring is unavailable and tokens are
	// kept in memory for this session; KeyringProblem says why.
	MemoryTokens bool
	// Scenarios are the states the demo can show ("normal",
	// "permission-missing", …), offered in the banner's menu; Scenario is
	// the one to start in. SetScenario puts the demo org in a state (off the
	// UI goroutine) and returns the connector that shows it.
	Scenarios   []string
	Scenario    string
	SetScenario func(ctx context.Context, name string) (connector.Key, error)
}

// New builds the window content and starts the background status checks.
// Closing the window (or stopping the app) cancels work in flight.
func New(a fyne.App, w fyne.Window, deps Deps) fyne.CanvasObject {
	v := newView(a, w, deps)
	w.SetCloseIntercept(func() {
		v.stop()
		w.Close()
	})
	a.Lifecycle().SetOnStopped(v.stop)
	obj := v.build()
	v.pub.setupTray()
	v.start()
	return obj
}

// view is the whole window: the connectors list on the left, the
// Connectors and Content bundle tabs on the right.
type view struct {
	app  fyne.App
	win  fyne.Window
	deps Deps
	svc  backend

	ctx  context.Context
	stop context.CancelFunc
	jobs atomic.Int64 // background goroutines in flight
	uiMu *sync.Mutex  // serialises UI updates from workers (the test driver runs fyne.Do inline)

	// UI goroutine state: the model the screens listen to, then the view's own.
	*model
	recent     []string               // recent errors for diagnostics (never a token)
	pending    map[connector.Key]bool // live checks in flight (Check now's progress)
	checkTotal int                    // checks in the current round
	loaded     bool
	picked     bool // the user chose a connector

	list  *listScreen
	auth  *authScreen
	pub   *publishScreen
	fleet *fleetScreen
	tabs  *container.AppTabs
	top   *fyne.Container
	tips  *tipLayer // tooltips above the content

	scenarioSel *widget.Select  // the demo's scenario menu, for tests
	newer       *update.Release // a newer release to announce, nil: none

	modal      dialog.Dialog // the open dialog Escape dismisses
	modalEnter func()        // its default action on Enter, or nil
	modals     []tracked     // the open dialogs, the top one last
	startFocus bool          // the first focus is still to give
}

func newView(a fyne.App, w fyne.Window, deps Deps) *view {
	ctx, cancel := context.WithCancel(context.Background())
	v := &view{
		app: a, win: w, deps: deps,
		ctx: ctx, stop: cancel, uiMu: deps.UIMutex,
		model: newModel(),
		tips:  newTipLayer(),
	}
	if v.uiMu == nil {
		v.uiMu = &sync.Mutex{}
	}
	v.tips.do = v.do
	if deps.Service != nil {
		v.svc = deps.Service
		if deps.Service.AppVersion == "" {
			deps.Service.AppVersion = deps.Version // recorded in what it publishes
		}
	}
	// A new user starts on Sandbox, like the screen this mirrors: a first
	// try never lands in production.
	v.selected = connector.Key{System: "Lightning", Environment: connector.Sandbox}
	if deps.Demo != nil {
		v.selected = deps.Demo.Key
	}
	v.list = newListScreen(v)
	v.auth = newAuthScreen(v)
	v.pub = newPublishScreen(v)
	v.fleet = newFleetScreen(v)
	v.listen(v.list.onModel)
	v.listen(v.auth.onModel)
	v.listen(v.pub.onModel)
	v.listen(v.fleet.onModel)
	v.startFocus = true
	v.listen(v.focusAtStart)
	return v
}

func (v *view) build() fyne.CanvasObject {
	v.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(lang.L("Connectors"), theme.SettingsIcon(), v.auth.build()),
		container.NewTabItemWithIcon(lang.L("Content bundle"), theme.UploadIcon(), v.pub.build()),
		container.NewTabItemWithIcon(lang.L("Fleet"), theme.GridIcon(), v.fleet.build()),
	)
	v.tabs.OnSelected = func(t *container.TabItem) {
		v.unfocusHidden()
		v.fleet.shownTab = t == v.tabs.Items[2]
		if v.fleet.shownTab {
			v.fleet.opened()
		}
	}
	split := container.NewHSplit(v.list.build(), v.tabs)
	split.Offset = 0.33
	v.top = container.NewVBox()
	v.refreshBanner()
	v.auth.show(v.selected)
	v.pub.updateTargets()
	a, p, l := v.auth, v.pub, v.list
	v.keyboard(a.scroll, a.renameBtn, a.removeBtn, a.authBtn, a.copyBtn, a.cancelBtn, a.submitBtn, a.nextBtn, a.historyBtn, a.disconnectBtn, a.stateBtn, a.signInBtn)
	v.keyboard(p.scroll, p.zipBtn, p.folderBtn, p.publishBtn, p.retryBtn, p.plan.reviewBtn, p.restoreBtn)
	v.keyboard(nil, l.selectSbx, l.addBtn, l.refreshBtn, l.diagBtn, l.exportBtn)
	f := v.fleet
	v.keyboard(nil, append([]*button{f.chooseBtn, f.checkBtn, f.publishBtn, f.openBtn}, f.header...)...)
	v.addShortcuts()
	return v.tips.wrap(container.NewBorder(v.top, nil, nil, nil, split))
}

// selectTab shows the i-th tab (Connectors, Content bundle, Fleet).
func (v *view) selectTab(i int) {
	if v.tabs != nil && i < len(v.tabs.Items) {
		v.tabs.SelectIndex(i)
	}
}

// start loads the registry, checks every connector and schedules re-checks.
func (v *view) start() {
	if v.deps.Demo != nil && v.deps.Demo.Bundle != nil {
		v.pub.setBundle(v.deps.Demo.Bundle, nil)
	}
	if d := v.deps.Demo; d != nil && d.Scenario != "" && d.Scenario != "normal" {
		v.setScenario(d.Scenario)
	} else {
		v.reload(true)
	}
	if u := v.deps.Updates; u != nil {
		v.goWork(func(ctx context.Context) {
			if rel := u.check(ctx); rel != nil {
				v.do(func() {
					v.newer = rel
					v.refreshBanner()
				})
			}
		})
	}
	if check := v.deps.CheckKeyring; check != nil {
		v.goWork(func(context.Context) {
			err := check()
			if err == nil {
				return
			}
			v.do(func() {
				v.deps.KeyringProblem = err
				v.noteError(err)
				v.refreshBanner()
			})
		})
	}
	interval := v.deps.StatusInterval
	if interval == 0 {
		interval = DefaultStatusInterval
	}
	if interval > 0 {
		v.jobs.Add(1)
		go func() {
			defer v.jobs.Add(-1)
			every(v.ctx, interval, func() { v.do(func() { v.checkAll(v.keys()) }) })
		}()
	}
}

// every runs fn each period d until ctx ends: the background re-check of
// the connectors, the Fleet tab's watch.
func every(ctx context.Context, d time.Duration, fn func()) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}

// refreshBanner shows the demo notice or the keyring problem, if any,
// and the quiet line of a newer release.
func (v *view) refreshBanner() {
	v.top.RemoveAll()
	if b := v.banner(); b != nil {
		v.top.Add(b)
	}
	if v.newer != nil {
		v.top.Add(v.newerBanner())
	}
}

// newerBanner is the quiet line saying a newer release exists, with its
// page and a button to hide it (until the next day's notice).
func (v *view) newerBanner() fyne.CanvasObject {
	text := &widget.Label{Text: newerText(v.deps.Updates.Current, v.newer), Truncation: fyne.TextTruncateEllipsis}
	right := container.NewHBox()
	if u, err := url.Parse(v.newer.URL); err == nil {
		right.Add(widget.NewHyperlink(lang.L("Release page"), u))
	}
	right.Add(&widget.Button{Icon: theme.CancelIcon(), Importance: widget.LowImportance, OnTapped: func() {
		v.newer = nil
		v.refreshBanner()
	}})
	return container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), right, text)
}

// banner is the demo notice or the keyring problem, if any.
func (v *view) banner() fyne.CanvasObject {
	var text string
	icon := theme.InfoIcon()
	bg := theme.ColorNamePrimary
	switch {
	case v.deps.Demo != nil:
		d := v.deps.Demo
		text = lang.L("Demo mode: a simulated Salesforce org on this computer; nothing leaves your machine. Sign in with {{.User}} / {{.Password}}.",
			map[string]any{"User": d.Username, "Password": d.Password})
		if d.MemoryTokens {
			text += "\n" + lang.L("Tokens are kept in memory for this session only, because the system keyring can't be used: {{.Reason}}",
				map[string]any{"Reason": keyringReason(v.deps.KeyringProblem)})
		}
	case v.deps.KeyringProblem != nil:
		text = problemLine(v.deps.KeyringProblem)
		icon = theme.WarningIcon()
		bg = theme.ColorNameError
	default:
		return nil
	}
	label := &widget.Label{Text: text, Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Bold: true}}
	var right fyne.CanvasObject
	if d := v.deps.Demo; d != nil && len(d.Scenarios) > 0 && d.SetScenario != nil {
		right = v.scenarioMenu()
	}
	th := theme.Current()
	fill := th.Color(bg, v.app.Settings().ThemeVariant())
	r, g, b, _ := fill.RGBA()
	rect := canvas.NewRectangle(rgba(r, g, b, 0x40))
	return container.NewStack(rect, container.NewPadded(
		container.NewBorder(nil, nil, widget.NewIcon(icon), right, label)))
}

// do runs fn on the UI goroutine (fyne.Do), one at a time. fn must not
// call do itself synchronously.
//
// Once the window is closing (its context canceled) results are dropped:
// Fyne's loop may already be gone, and it would then run fn on the calling
// goroutine.
func (v *view) do(fn func()) {
	ctx := v.ctx
	if ctx.Err() != nil {
		return
	}
	fyne.Do(func() {
		if ctx.Err() != nil {
			return
		}
		v.uiMu.Lock()
		defer v.uiMu.Unlock()
		fn()
	})
}

// goWork runs fn off the UI goroutine with the window's context; results
// must come back through fyne.Do.
func (v *view) goWork(fn func(ctx context.Context)) {
	v.jobs.Add(1)
	go func() {
		defer v.jobs.Add(-1)
		fn(v.ctx)
	}()
}

// reload re-reads the registry in the background, then (when check is set)
// re-checks every connector.
func (v *view) reload(check bool) {
	if v.svc == nil {
		return
	}
	svc := v.svc
	v.goWork(func(ctx context.Context) {
		list, err := svc.Connectors()
		if ctx.Err() != nil {
			return
		}
		v.do(func() {
			v.loaded = true
			if err != nil {
				v.noteError(err)
				v.list.showError(err)
				return
			}
			v.setConnectors(list)
			if check {
				v.checkAll(v.keys())
			}
		})
	})
}

// setConnectors replaces the cached list; the screens redraw on the
// model's notification. Until the user picks one, the first is selected.
func (v *view) setConnectors(list []connector.Connector) {
	if !v.picked && len(list) > 0 {
		found := false
		for _, c := range list {
			found = found || c.Key() == v.selected
		}
		if !found {
			v.selected = list[0].Key() // notified with the list below
		}
	}
	v.replaceConnectors(list)
}

// checkAll runs a live status check of each key, at most four at a time;
// each row is refreshed as soon as its own result lands.
func (v *view) checkAll(keys []connector.Key) {
	if v.svc == nil || len(keys) == 0 {
		return
	}
	sem := make(chan struct{}, 4)
	if len(v.pending) == 0 {
		v.checkTotal = 0
	}
	if v.pending == nil {
		v.pending = map[connector.Key]bool{}
	}
	for _, k := range keys {
		if !v.pending[k] {
			v.pending[k] = true
			v.checkTotal++
		}
	}
	v.list.showProgress(v.checkTotal-len(v.pending), v.checkTotal)
	for _, k := range keys {
		v.list.setChecking(k, true)
		v.goWork(func(ctx context.Context) {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			st := v.svc.Status(ctx, k)
			<-sem
			if ctx.Err() != nil {
				return
			}
			st.Key = k
			v.do(func() { v.setStatus(st) })
		})
	}
}

// setStatus records a status result; the screens showing it redraw on
// the model's notification.
func (v *view) setStatus(st connector.Status) {
	k := st.Key
	v.list.setChecking(k, false)
	if v.pending[k] {
		delete(v.pending, k)
		v.list.showProgress(v.checkTotal-len(v.pending), v.checkTotal)
	}
	v.putStatus(st)
}

// selectKey makes k the connector the tabs act on.
func (v *view) selectKey(k connector.Key) {
	if k == v.selected {
		return
	}
	v.picked = true
	v.choose(k)
}

// noteError keeps the last 20 errors for diagnostics.
func (v *view) noteError(err error) {
	if err == nil {
		return
	}
	line := time.Now().UTC().Format(time.RFC3339) + " " + connector.AsProblem(err).Error()
	v.recent = append(v.recent, line)
	if len(v.recent) > 20 {
		v.recent = v.recent[len(v.recent)-20:]
	}
}

// openBrowser opens u with the injected opener, else the Service's
// ($BROWSER, else the system browser), else Fyne's.
func (v *view) openBrowser(u string) error {
	switch {
	case v.deps.OpenBrowser != nil:
		return v.deps.OpenBrowser(u)
	case v.deps.Service != nil:
		return v.deps.Service.Browse(u)
	}
	parsed, err := url.Parse(u)
	if err != nil {
		return err
	}
	return v.app.OpenURL(parsed)
}

// onCopyDiagnostics puts the redacted report on the clipboard.
func (v *view) onCopyDiagnostics() {
	if v.svc == nil {
		return
	}
	recent := append([]string(nil), v.recent...)
	v.goWork(func(ctx context.Context) {
		text := v.svc.Diagnostics(ctx, v.deps.Version, recent)
		v.do(func() {
			v.app.Clipboard().SetContent(text)
			d := newInformation(lang.L("Diagnostics copied"),
				lang.L("The report is on your clipboard, ready to paste into a support request. It contains no tokens or passwords."), v.win)
			v.track(d, d.Default)
			d.Show()
		})
	})
}

// showError shows err as a dialog with its fix.
func (v *view) showError(title string, err error) {
	v.noteError(err)
	msg, fix := problemText(err)
	content := &widget.Label{Text: msg, Wrapping: fyne.TextWrapWord}
	box := container.NewVBox(content)
	if fix != "" {
		box.Add(&widget.Label{Text: fix, Wrapping: fyne.TextWrapWord})
	}
	d := newCustom(title, lang.L("Close"), box, v.win)
	d.Resize(fyne.NewSize(440, 0))
	v.track(d, d.Default)
	d.Show()
}

// progressThrottle remembers the last percentage shown per key so progress
// callbacks only hop to the UI goroutine when the bar would move.
type progressThrottle struct {
	mu   sync.Mutex
	last map[connector.Key]int
}

func (p *progressThrottle) changed(k connector.Key, sent, total int64) (float64, bool) {
	if total <= 0 {
		return 0, false
	}
	f := float64(sent) / float64(total)
	if f > 1 {
		f = 1
	}
	pct := int(f * 100)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last == nil {
		p.last = map[connector.Key]int{}
	}
	if old, ok := p.last[k]; ok && old == pct {
		return f, false
	}
	p.last[k] = pct
	return f, true
}
