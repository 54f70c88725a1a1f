package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The window's dialogs are Fyne's dialogs with the window's own buttons:
// Fyne's buttons ignore Escape and Enter, and a focused blue button looks
// unfocused. One rule for every dialog: Escape closes it without acting,
// Enter takes its default action, never a destructive one. The dialog
// opens with the focus on its default button (Cancel when the action
// would destroy something), which shows a ring; Tab moves to the other.
// Each call site also hands the dialog to view.track, so the keys work
// when nothing in it has the focus.

// dialogWidth is the width of a dialog whose text wraps.
const dialogWidth = 460

// choiceDialog is a dialog with a confirm and a dismiss button (or only
// one: an information). Its callback runs once, with true when the user
// confirmed and false when the dialog closed any other way (the dismiss
// button, Escape).
type choiceDialog struct {
	*dialog.CustomDialog
	yes, no  *button
	cb       func(bool)
	answered bool
	sized    bool
	// focusFirst is the control the dialog focuses when shown (an entry of
	// a form); nil: its default button.
	focusFirst fyne.Focusable
	win        fyne.Window
}

func newChoice(title string, content fyne.CanvasObject, confirm, dismiss string, cb func(bool), w fyne.Window) *choiceDialog {
	d := &choiceDialog{CustomDialog: dialog.NewCustomWithoutButtons(title, content, w), cb: cb, win: w}
	d.no = btn(&button{Button: widget.Button{Text: dismiss, Icon: theme.CancelIcon(), OnTapped: d.Hide}})
	d.no.onEscape = d.Hide
	buttons := []fyne.CanvasObject{d.no}
	if confirm == "" {
		d.no.Icon = nil // OK or Close: nothing is canceled
	} else {
		d.yes = btn(&button{Button: widget.Button{Text: confirm, Icon: theme.ConfirmIcon(), Importance: widget.HighImportance,
			OnTapped: d.Confirm}})
		d.yes.onEscape = d.Hide
		buttons = append(buttons, d.yes)
	}
	d.SetButtons(buttons)
	d.SetOnClosed(func() {
		if !d.answered {
			d.answered = true
			if d.cb != nil {
				d.cb(false)
			}
		}
	})
	return d
}

// newConfirm is dialog.NewConfirm with the window's buttons.
func newConfirm(title, message string, cb func(bool), w fyne.Window) *choiceDialog {
	return newChoice(title, wrapped(message), lang.L("OK"), lang.L("Cancel"), cb, w)
}

// newCustomConfirm is dialog.NewCustomConfirm with the window's buttons.
func newCustomConfirm(title, confirm, dismiss string, content fyne.CanvasObject, cb func(bool), w fyne.Window) *choiceDialog {
	d := newChoice(title, content, confirm, dismiss, cb, w)
	d.sized = true // its content has its own size
	return d
}

// newInformation is dialog.NewInformation with the window's button.
func newInformation(title, message string, w fyne.Window) *choiceDialog {
	return newChoice(title, wrapped(message), "", lang.L("OK"), nil, w)
}

// newCustom is dialog.NewCustom (content and a Close button) with the
// window's button.
func newCustom(title, dismiss string, content fyne.CanvasObject, w fyne.Window) *choiceDialog {
	return newChoice(title, content, "", dismiss, nil, w)
}

func wrapped(text string) fyne.CanvasObject {
	return &widget.Label{Text: text, Wrapping: fyne.TextWrapWord}
}

// SetConfirmText changes the confirm button's text.
func (d *choiceDialog) SetConfirmText(text string) {
	if d.yes != nil {
		d.yes.SetText(text)
	}
}

// SetDismissText changes the dismiss button's text.
func (d *choiceDialog) SetDismissText(text string) { d.no.SetText(text) }

// SetConfirmImportance colours the confirm button; DangerImportance marks
// a destructive action, which Enter never takes.
func (d *choiceDialog) SetConfirmImportance(imp widget.Importance) {
	if d.yes != nil {
		d.yes.Importance = imp
		d.yes.Refresh()
	}
}

// Destructive reports whether confirming destroys something (the confirm
// button is red): Enter then never confirms.
func (d *choiceDialog) Destructive() bool {
	return d.yes != nil && d.yes.Importance == widget.DangerImportance
}

// Confirm takes the dialog's action and closes it.
func (d *choiceDialog) Confirm() {
	if d.answered || (d.yes != nil && d.yes.Disabled()) {
		return
	}
	d.answered = true
	d.Hide()
	if d.cb != nil {
		d.cb(true)
	}
}

// Default is what Enter does: confirm, or close when confirming would
// destroy something or there is nothing to confirm.
func (d *choiceDialog) Default() {
	if d.yes == nil || d.Destructive() {
		d.Hide()
		return
	}
	d.Confirm()
}

// Resize sets the dialog's size (a width of 0 keeps the default width).
func (d *choiceDialog) Resize(s fyne.Size) {
	d.sized = true
	d.CustomDialog.Resize(s)
}

// Show shows the dialog and focuses its first control: a form's first
// entry, else the default button (the dismiss button when the action is
// destructive).
func (d *choiceDialog) Show() {
	if !d.sized {
		d.CustomDialog.Resize(fyne.NewSize(dialogWidth, 0))
	}
	d.CustomDialog.Show()
	if d.win == nil {
		return
	}
	target := d.focusFirst
	if target == nil {
		target = d.no
		if d.yes != nil && !d.Destructive() && !d.yes.Disabled() {
			target = d.yes
		}
	}
	d.win.Canvas().Focus(target)
}

// formDialog is dialog.NewForm with the window's buttons: the confirm
// button is enabled while every field is valid; Escape in a field closes
// the dialog (Fyne's entry would keep it and mark the field as invalid).
type formDialog struct {
	*choiceDialog
	form *widget.Form
}

func newForm(title, confirm, dismiss string, items []*widget.FormItem, cb func(bool), w fyne.Window) *formDialog {
	form := widget.NewForm(items...)
	d := &formDialog{choiceDialog: newChoice(title, form, confirm, dismiss, cb, w), form: form}
	// The confirm button follows the fields' validators, run quietly: a
	// field shows its error once the user typed in it, not at once (Fyne's
	// form keeps that gentleness for its own entry type only).
	var fields []fyne.CanvasObject
	for _, it := range items {
		walkFields(it.Widget, func(o fyne.CanvasObject) { fields = append(fields, o) })
	}
	revalidate := func() {
		if quietError(fields) != nil {
			d.yes.Disable()
		} else {
			d.yes.Enable()
		}
	}
	for _, f := range fields {
		switch w := f.(type) {
		case *entry:
			w.onEscape = d.Hide
			prev := w.OnChanged
			w.OnChanged = func(s string) {
				if prev != nil {
					prev(s)
				}
				revalidate()
			}
		case *choice:
			w.onEscape, w.onEnter = d.Hide, d.Submit
			prev := w.OnChanged
			w.OnChanged = func(s string) {
				if prev != nil {
					prev(s)
				}
				revalidate()
			}
		}
	}
	revalidate()
	return d
}

// walkFields calls fn on each entry and select in o (a field, a container
// of fields, or a disclosure of them).
func walkFields(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	switch w := o.(type) {
	case *entry, *choice:
		fn(w)
	case *fyne.Container:
		for _, c := range w.Objects {
			walkFields(c, fn)
		}
	case *disclosure:
		for _, it := range w.inner.Items {
			walkFields(it.Widget, fn)
		}
	}
}

// quietError is the first error of the fields' validators, without
// showing it.
func quietError(fields []fyne.CanvasObject) error {
	for _, f := range fields {
		if e, ok := f.(*entry); ok && e.Validator != nil {
			if err := e.Validator(e.Text); err != nil {
				return err
			}
		}
	}
	return nil
}

// Submit confirms the form when every field is valid.
func (d *formDialog) Submit() {
	if d.yes.Disabled() {
		return
	}
	d.Confirm()
}

// Default is what Enter does in a form: submit it.
func (d *formDialog) Default() { d.Submit() }

// entry is a widget.Entry that hands Escape to the window (Fyne's keeps it).
type entry struct {
	widget.Entry
	onEscape func()
}

func newEntry(e *entry) *entry {
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey closes the dialog on Escape.
func (e *entry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && e.onEscape != nil {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(ev)
}

// choice is a widget.Select that hands Escape and Enter to its dialog.
type choice struct {
	widget.Select
	onEscape func()
	onEnter  func()
}

func newChoiceSelect(options []string) *choice {
	c := &choice{}
	c.Options = options
	c.ExtendBaseWidget(c)
	return c
}

// TypedKey closes the dialog on Escape and submits it on Enter.
func (c *choice) TypedKey(ev *fyne.KeyEvent) {
	switch {
	case ev.Name == fyne.KeyEscape && c.onEscape != nil:
		c.onEscape()
	case (ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter) && c.onEnter != nil:
		c.onEnter()
	default:
		c.Select.TypedKey(ev)
	}
}
