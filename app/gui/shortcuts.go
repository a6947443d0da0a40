package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// addShortcuts binds the common actions to keys. The window's own text
// fields pass these keys on (see runShortcut), so they work while a
// field has focus.
func (ui *Inspector) addShortcuts() {
	ui.shortcuts = map[string]func(){}
	bind := func(key fyne.KeyName, f func()) {
		s := &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}
		run := func() {
			// A shortcut must not open a second dialog over an open one.
			if ui.win.Canvas().Overlays().Top() == nil {
				f()
			}
		}
		ui.shortcuts[s.ShortcutName()] = run
		ui.win.Canvas().AddShortcut(s, func(fyne.Shortcut) { run() })
	}
	// Escape closes the dialog on top when no field has focus (fields
	// handle it themselves, see keyEntry).
	ui.win.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		if top := ui.win.Canvas().Overlays().Top(); k.Name == fyne.KeyEscape && top != nil {
			top.Hide()
			ui.win.Canvas().Overlays().Remove(top)
		}
	})
	bind(fyne.KeyN, ui.ShowAddStream)
	bind(fyne.KeyK, ui.ShowCompare)
	bind(fyne.KeyT, ui.tapAction)
	bind(fyne.KeyD, func() { ui.askToReplace("the demo", ui.StartDemo) })
	bind(fyne.KeyO, ui.ShowOpen)
	bind(fyne.KeyS, ui.ShowSave)
	bind(fyne.KeyE, ui.ShowExport)
	bind(fyne.Key0, func() { ui.timeline.fit() })
}

// runShortcut runs the window shortcut s, if it is one, and reports
// whether it was.
func (ui *Inspector) runShortcut(s *desktop.CustomShortcut) bool {
	run := ui.shortcuts[s.ShortcutName()]
	if run == nil {
		return false
	}
	run()
	return true
}
