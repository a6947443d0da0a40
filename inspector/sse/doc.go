// Package sse is the WHATWG Server-Sent Events parser (HTML §9.2.6) and
// nothing else: bytes in, events, comments and retry fields out.
//
// It does no I/O, starts no goroutine, imports no net package and reads no
// clock: the reader that feeds it owns the timing. A Parser works at its
// zero value and gives the same items however the stream is split into
// chunks.
package sse
