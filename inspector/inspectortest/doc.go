// Package inspectortest helps test code that analyses sessions: builders
// for synthetic sessions recorded through the real recorder and parser at
// chosen times, small SSE origins for real-server tests, origins that
// behave like the application stacks of the field reports (stacks.go), and
// harnesses that run the system's nginx, HAProxy, Apache and Caddy with
// generated configurations.
//
// Only tests (and the scenario matrix) import it.
package inspectortest
