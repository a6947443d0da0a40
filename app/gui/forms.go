package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// formDialog is a form dialog that behaves as users expect: Enter in a
// one-line field submits, Escape closes, invalid fields say why beside
// themselves (and keep the submit button disabled), and an error found
// on submitting is shown beside its field with the form still open and
// everything typed kept.
type formDialog struct {
	d *dialog.FormDialog
}

// fieldError is an error that belongs beside one field of a form.
type fieldError struct {
	field fyne.Validatable
	err   error
}

func (e *fieldError) Error() string { return e.err.Error() }

// showForm shows a form; submit runs on the confirm button or Enter and
// returns nil to close the form, or an error to keep it open. An error
// wrapping a *fieldError is shown beside that field; any other in a
// dialog over the form.
func (ui *Inspector) showForm(title, confirm string, items []*widget.FormItem, size fyne.Size, submit func() error) *formDialog {
	fd := &formDialog{}
	var callback func(bool)
	callback = func(ok bool) {
		if !ok {
			return
		}
		err := submit()
		if err == nil {
			return
		}
		// The dialog hid itself: show it again, with what was typed, and
		// the error beside its field.
		fd.d = dialog.NewForm(title, confirm, "Cancel", items, callback, ui.win)
		fd.d.Resize(size)
		fd.d.Show()
		if fe, ok := err.(*fieldError); ok && showFieldError(fe) {
			return
		}
		dialog.ShowError(err, ui.win)
	}
	fd.d = dialog.NewForm(title, confirm, "Cancel", items, callback, ui.win)
	for _, it := range items {
		ui.wireKeys(it.Widget, fd)
	}
	fd.d.Resize(size)
	fd.d.Show()
	return fd
}

// wireKeys makes Enter submit and Escape close the form from a field.
func (ui *Inspector) wireKeys(o fyne.CanvasObject, fd *formDialog) {
	submit := func(string) { fd.d.Submit() }
	escape := func() { fd.d.Hide() }
	switch e := o.(type) {
	case *keyEntry:
		e.keys.onEscape = escape
		if !e.MultiLine {
			e.OnSubmitted = submit
		}
	case *keySelectEntry:
		e.keys.onEscape = escape
		e.OnSubmitted = submit
	}
}

// showFieldError shows an error beside its field, where it stays (and
// keeps the form from being submitted) until the field's text changes.
func showFieldError(fe *fieldError) bool {
	var e *widget.Entry
	var keys *keyHandlers
	switch f := fe.field.(type) {
	case *keyEntry:
		e, keys = &f.Entry, &f.keys
	case *keySelectEntry:
		e, keys = &f.Entry, &f.keys
	default:
		return false
	}
	if !keys.wrapped {
		keys.wrapped, keys.validator = true, e.Validator
	}
	bad, prev := e.Text, keys.validator
	e.Validator = func(s string) error {
		if s == bad {
			return fe.err
		}
		if prev != nil {
			return prev(s)
		}
		return nil
	}
	e.SetValidationError(fe.err)
	return true
}
