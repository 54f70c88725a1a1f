package ui

// "Publish on change": watch the chosen folder and publish it to the
// targets after each quiet period, for Sandbox and Test connectors only.

import (
	"context"
	"os"

	"github.com/connectors-app/connectors/connector/service"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/connectors-app/connectors/connector"
)

// watchUI is the switch, its status line and the watch in progress.
type watchUI struct {
	check  *widget.Check
	status *widget.Label
	cancel context.CancelFunc
	keys   []connector.Key
}

func (s *publishScreen) newWatchCheck() fyne.CanvasObject {
	s.watch.check = widget.NewCheck(lang.L("Publish on change (Sandbox and Test only)"), s.onWatch)
	s.watch.status = &widget.Label{Wrapping: fyne.TextWrapWord, SizeName: theme.SizeNameCaptionText}
	setVisible(s.watch.status, false)
	return container.NewVBox(s.watch.check, s.watch.status)
}

// updatePlanWatch enables the plan button and the switch for the targets:
// the switch needs a folder and no production target.
func (s *publishScreen) updatePlanWatch(keys []connector.Key) {
	if s.plan.reviewBtn != nil {
		if s.running || s.bundle == nil || len(keys) == 0 {
			s.plan.reviewBtn.Disable()
		} else {
			s.plan.reviewBtn.Enable()
		}
	}
	s.refreshTray()
	if s.watch.check == nil || s.watch.cancel != nil {
		return // a watch in progress keeps its targets until switched off
	}
	if s.watchFolder() == "" || len(keys) == 0 || len(s.productionTargets(keys)) > 0 {
		s.watch.check.Disable()
	} else {
		s.watch.check.Enable()
	}
}

// watchFolder is the chosen bundle's folder, or "" for a .zip.
func (s *publishScreen) watchFolder() string {
	if s.bundle == nil {
		return ""
	}
	if fi, err := os.Stat(s.bundle.Source()); err == nil && fi.IsDir() {
		return s.bundle.Source()
	}
	return ""
}

func (s *publishScreen) onWatch(on bool) {
	if !on {
		s.stopWatch()
		return
	}
	keys, folder := s.targetKeys(), s.watchFolder()
	if s.act.svc() == nil || folder == "" || len(keys) == 0 {
		s.watch.check.SetChecked(false)
		return
	}
	ctx, cancel := context.WithCancel(s.act.ctx()) // the window closing stops it too
	s.watch.cancel, s.watch.keys = cancel, keys
	setVisible(s.watch.status, true)
	s.watch.status.SetText(lang.L("Watching {{.Folder}}…", map[string]any{"Folder": folder}))
	s.act.goWork(func(context.Context) {
		err := s.act.svc().Watch(ctx, service.WatchOptions{Folder: folder, Keys: keys, OnEvent: func(e service.WatchEvent) {
			s.act.do(func() { s.showWatchEvent(e) })
		}})
		s.act.do(func() {
			if err != nil {
				msg, _ := problemText(err)
				s.watch.status.SetText(msg)
			}
			s.stopWatch()
		})
	})
}

func (s *publishScreen) stopWatch() {
	if s.watch.cancel != nil {
		s.watch.cancel()
		s.watch.cancel = nil
	}
	if s.watch.check.Checked {
		s.watch.check.SetChecked(false)
	}
	s.updateTargets()
}

// showWatchEvent shows what the last quiet period led to; a failed
// publish also raises a notification (the window may be hidden).
func (s *publishScreen) showWatchEvent(e service.WatchEvent) {
	at := e.Time.Local().Format("15:04:05")
	switch e.Kind {
	case service.WatchPublished:
		if e.Failed > 0 {
			s.watch.status.SetText(lang.L("{{.Time}}: the publish failed on {{.Count}} connector(s).", map[string]any{"Time": at, "Count": e.Failed}))
			s.notifyWatchFailed(e)
		} else {
			s.watch.status.SetText(lang.L("{{.Time}}: published.", map[string]any{"Time": at}))
		}
		s.watchFinished(e.Results)
	case service.WatchUnchanged:
		s.watch.status.SetText(lang.L("{{.Time}}: saved, content unchanged: nothing published.", map[string]any{"Time": at}))
	case service.WatchInvalid, service.WatchGone:
		msg, _ := problemText(e.Problem)
		s.watch.status.SetText(at + ": " + msg)
	}
}

// watchFinished remembers the last publish for the tray's "Publish again".
func (s *publishScreen) watchFinished(results []service.PublishResult) {
	s.trayPublished(results)
}
