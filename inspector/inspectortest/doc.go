// Package inspectortest helps test code that analyses sessions: builders
// for synthetic sessions recorded through the real recorder and parser at
// chosen times, small SSE origins for real-server tests, and a harness that
// runs the system's nginx with a generated configuration.
//
// Only tests import it.
package inspectortest
