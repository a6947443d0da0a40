package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// addShortcuts binds the common actions to keys.
func (ui *Inspector) addShortcuts() {
	bind := func(key fyne.KeyName, f func()) {
		ui.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault},
			func(fyne.Shortcut) {
				// A shortcut must not open a second dialog over an open one.
				if ui.win.Canvas().Overlays().Top() == nil {
					f()
				}
			})
	}
	bind(fyne.KeyN, ui.ShowAddStream)
	bind(fyne.KeyK, ui.ShowCompare)
	bind(fyne.KeyT, ui.ShowTap)
	bind(fyne.KeyD, ui.StartDemo)
	bind(fyne.KeyO, ui.ShowOpen)
	bind(fyne.KeyS, ui.ShowSave)
	bind(fyne.KeyE, ui.ShowExport)
	bind(fyne.Key0, func() { ui.timeline.fit() })
}
