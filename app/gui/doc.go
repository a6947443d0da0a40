// Package gui is the desktop shell of SSE Inspector: a Fyne window over an
// inspector.Session with a lanes sidebar, the timeline, the event table and
// detail, and the diagnosis panel. It owns no analysis of its own: it reads
// snapshots of the session, asks package inspector to analyse them, and
// redraws at most 60 times a second.
package gui
