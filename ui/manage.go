package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/connectors-app/connectors/connector"
)

// onRename asks for the selected connector's new system name. Its sign-in,
// org and backups stay with it (they belong to its ID).
func (s *authScreen) onRename() {
	k := s.key
	if _, ok := s.m.connectorFor(k); !ok || s.act.svc() == nil {
		return
	}
	name := newEntry(&entry{Entry: widget.Entry{Text: k.System, Validator: localValidator(connector.ValidateSystemName)}})
	items := []*widget.FormItem{{Text: lang.L("System"), Widget: name,
		HintText: lang.L("Its sign-in, org and backups stay with it.")}}
	d := newForm(lang.L("Rename {{.Connector}}", map[string]any{"Connector": keyText(k)}), lang.L("Rename"), lang.L("Cancel"), items,
		func(ok bool) {
			if ok {
				s.rename(k, strings.TrimSpace(name.Text))
			}
		}, s.act.win())
	d.Resize(fyne.NewSize(480, 0))
	s.renameDialog, s.renameEntry = d, name
	s.act.track(d, d.Default)
	name.OnSubmitted = func(string) { d.Submit() }
	d.focusFirst = name
	d.Show()
}

// rename renames k in the background and selects it under its new name.
func (s *authScreen) rename(k connector.Key, system string) {
	svc := s.act.svc()
	if svc == nil {
		return
	}
	s.act.goWork(func(context.Context) {
		c, err := svc.Rename(k, system)
		s.act.do(func() {
			if err != nil {
				s.act.showError(lang.L("Couldn't rename the connector"), err)
				return
			}
			s.act.renamed(k, c)
		})
	})
}

// onRemove asks first, then revokes the connector's access (like
// Disconnect) and deletes it.
func (s *authScreen) onRemove() {
	k := s.key
	c, ok := s.m.connectorFor(k)
	if !ok || s.act.svc() == nil {
		return
	}
	org := lang.L("no org yet")
	if c.Org != nil {
		org = c.Org.OrgName + " (" + c.Org.OrgID + ")"
	}
	msg := lang.L("Remove {{.Connector}} ({{.Org}})? Its access is revoked at Salesforce and it is deleted from this computer; its backups stay on disk.",
		map[string]any{"Connector": keyText(k), "Org": org})
	d := newConfirm(lang.L("Remove the connector?"), msg, func(yes bool) {
		s.removeDialog = nil
		if yes {
			s.remove(k)
		}
	}, s.act.win())
	d.SetConfirmText(lang.L("Remove"))
	d.SetDismissText(lang.L("Cancel"))
	d.SetConfirmImportance(widget.DangerImportance)
	s.removeDialog = d
	s.act.track(d, d.Default)
	d.Show()
}

func (s *authScreen) remove(k connector.Key) {
	svc := s.act.svc()
	if svc == nil {
		return
	}
	s.act.goWork(func(ctx context.Context) {
		err := svc.Remove(ctx, k)
		s.act.do(func() {
			if p := connector.AsProblem(err); p != nil {
				if p.Code != connector.CodeRevokeFailed {
					s.act.showError(lang.L("Couldn't remove the connector"), err)
					return
				}
				s.act.showError(lang.L("Removed from this computer only"), err)
			}
			s.act.removed(k)
		})
	})
}
