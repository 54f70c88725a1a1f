package ui

// What each screen gets from the view: the model it reads, the actions it
// may ask of the window, and the slice of the Service it calls. The view
// builds them (newView); no screen holds the view.

import (
	"context"

	"github.com/connectors-app/connectors/connector/service"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/packaging"
)

// shell is what every screen may ask of the window it sits in: work off
// the UI goroutine and back on it, errors, dialogs and tooltips.
type shell struct {
	goWork    func(fn func(ctx context.Context))
	do        func(fn func())
	ctx       func() context.Context // the window's: closing it cancels work
	showError func(title string, err error)
	noteError func(err error)
	track     func(d dialog.Dialog, onEnter func())
	win       func() fyne.Window
	tips      *tipLayer
}

func (v *view) shell() shell {
	return shell{
		goWork: v.goWork, do: v.do, ctx: func() context.Context { return v.ctx },
		showError: v.showError, noteError: v.noteError, track: v.track,
		win: func() fyne.Window { return v.win }, tips: v.tips,
	}
}

// listService is the slice of the Service the list calls.
type listService interface {
	AddConnector(k connector.Key, set connector.ConnectorSettings) (connector.Connector, bool, error)
}

// listActions are what the list may ask of the window.
type listActions struct {
	shell
	svc              func() listService // nil: no service
	selectKey        func(k connector.Key)
	added            func(k connector.Key) // selects k, re-reads and checks
	tick             func(k connector.Key, on bool)
	tickAll          func(keys []connector.Key)
	checkAll         func(keys []connector.Key)
	reload           func(check bool)
	copyDiagnostics  func()
	exportConnectors func()
	showConnector    func(k connector.Key) // selects k and opens the Connectors tab
	escape           func()                // Escape where no control takes it
}

func (v *view) listActions() listActions {
	return listActions{
		shell: v.shell(),
		svc: func() listService {
			if v.svc == nil {
				return nil
			}
			return v.svc
		},
		selectKey: v.selectKey, added: v.added, tick: func(k connector.Key, on bool) { v.tick(k, on) },
		tickAll: func(keys []connector.Key) { v.tickAll(keys) }, checkAll: v.checkAll, reload: v.reload,
		copyDiagnostics: v.onCopyDiagnostics, exportConnectors: v.onExportConnectors,
		showConnector: func(k connector.Key) { v.selectKey(k); v.selectTab(0) },
		escape:        func() { v.onEscape() },
	}
}

// authService is the slice of the Service the Connectors tab calls.
type authService interface {
	StartAuthorize(ctx context.Context, k connector.Key, opts service.AuthorizeOptions) (service.AuthFlow, error)
	Status(ctx context.Context, k connector.Key) connector.Status
	Disconnect(ctx context.Context, k connector.Key) (*service.DisconnectResult, error)
	Remove(ctx context.Context, k connector.Key) error
	Rename(k connector.Key, newSystem string) (connector.Connector, error)
}

// authActions are what the Connectors tab (the sign-in, the org card,
// rename and remove) may ask of the window.
type authActions struct {
	shell
	svc            func() authService // nil: no service
	demo           func() *Demo
	selectKey      func(k connector.Key)
	showHistory    func(k connector.Key)
	checkNow       func(k connector.Key) // a live status check of k
	openBrowser    func(u string) error
	copyText       func(text string)
	showPublishTab func()
	// authorized records a finished authorization; signedOut a disconnect
	// (with the status after it); renamed and removed what they say.
	authorized func(k connector.Key, res *service.AuthorizeResult)
	signedOut  func(k connector.Key, st connector.Status)
	renamed    func(from connector.Key, c connector.Connector)
	removed    func(k connector.Key)
}

func (v *view) authActions() authActions {
	return authActions{
		shell: v.shell(),
		svc: func() authService {
			if v.svc == nil {
				return nil
			}
			return v.svc
		},
		demo:      func() *Demo { return v.deps.Demo },
		selectKey: v.selectKey, showHistory: func(k connector.Key) { v.showHistory(k) },
		checkNow:    func(k connector.Key) { v.checkAll([]connector.Key{k}) },
		openBrowser: v.openBrowser, copyText: func(text string) { v.app.Clipboard().SetContent(text) },
		showPublishTab: func() {
			if v.tabs != nil {
				v.tabs.SelectIndex(1)
				v.focus(v.pub.zipBtn) // the next step: choose the content
			}
		},
		authorized: v.authorized, signedOut: v.signedOut, renamed: v.renamed, removed: v.removed,
	}
}

// publishService is the slice of the Service the Content bundle tab calls.
type publishService interface {
	Status(ctx context.Context, k connector.Key) connector.Status
	PublishMany(ctx context.Context, keys []connector.Key, b service.Bundle, opts service.PublishOptions,
		progress func(k connector.Key, sent, total int64)) []service.PublishResult
	Restore(ctx context.Context, k connector.Key, opts service.RestoreOptions) service.PublishResult
	RestoreVersion(k connector.Key, resource string) (service.Backup, bool, error)
	Watch(ctx context.Context, opts service.WatchOptions) error
}

// publishActions are what the Content bundle tab (publish, plan, watch,
// tray) may ask of the window.
type publishActions struct {
	shell
	svc        func() publishService // nil: no service
	demo       func() *Demo
	openBundle func(path string) (*packaging.Bundle, error)
	setStatus  func(st connector.Status)
	reload     func(check bool)
	notify     func(n *fyne.Notification)
	setTray    func(m *fyne.Menu) // the system tray's menu, on a desktop
	showWindow func()
}

func (v *view) publishActions() publishActions {
	return publishActions{
		shell: v.shell(),
		svc: func() publishService {
			if v.svc == nil {
				return nil
			}
			return v.svc
		},
		demo: func() *Demo { return v.deps.Demo },
		openBundle: func(path string) (*packaging.Bundle, error) {
			if open := v.deps.OpenBundle; open != nil {
				return open(path)
			}
			return packaging.Open(path)
		},
		setStatus: v.setStatus, reload: v.reload,
		notify:     func(n *fyne.Notification) { v.app.SendNotification(n) },
		setTray:    v.setTray,
		showWindow: func() { v.win.Show() },
	}
}
