package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// keyHandlers are what the window's text fields do with the keys a plain
// entry ignores: Escape, and Ctrl-combinations that are the window's
// shortcuts (a focused entry would otherwise swallow them).
type keyHandlers struct {
	onEscape func()
	shortcut func(*desktop.CustomShortcut) bool // reports whether it handled it

	// validator is the field's own validator, kept while a submit error
	// is shown in its place (wrapped says it was saved).
	validator fyne.StringValidator
	wrapped   bool
}

func (h *keyHandlers) key(k *fyne.KeyEvent) bool {
	if k.Name == fyne.KeyEscape && h.onEscape != nil {
		h.onEscape()
		return true
	}
	return false
}

func (h *keyHandlers) short(s fyne.Shortcut) bool {
	cs, ok := s.(*desktop.CustomShortcut)
	return ok && h.shortcut != nil && h.shortcut(cs)
}

// keyEntry is a widget.Entry with keyHandlers.
type keyEntry struct {
	widget.Entry
	keys keyHandlers
}

func newKeyEntry() *keyEntry {
	e := &keyEntry{}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey handles Escape, and passes other keys to the entry.
func (e *keyEntry) TypedKey(k *fyne.KeyEvent) {
	if !e.keys.key(k) {
		e.Entry.TypedKey(k)
	}
}

// TypedShortcut runs the window's shortcuts, and passes others to the entry.
func (e *keyEntry) TypedShortcut(s fyne.Shortcut) {
	if !e.keys.short(s) {
		e.Entry.TypedShortcut(s)
	}
}

// keySelectEntry is a widget.SelectEntry with keyHandlers.
type keySelectEntry struct {
	widget.SelectEntry
	keys keyHandlers
}

func newKeySelectEntry(options []string) *keySelectEntry {
	e := &keySelectEntry{}
	e.ExtendBaseWidget(e)
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.SetOptions(options)
	return e
}

// TypedKey handles Escape, and passes other keys to the entry.
func (e *keySelectEntry) TypedKey(k *fyne.KeyEvent) {
	if !e.keys.key(k) {
		e.SelectEntry.TypedKey(k)
	}
}

// TypedShortcut runs the window's shortcuts, and passes others to the entry.
func (e *keySelectEntry) TypedShortcut(s fyne.Shortcut) {
	if !e.keys.short(s) {
		e.SelectEntry.TypedShortcut(s)
	}
}
