// Package demo sets up the inspector's demonstration: the built-in origin
// and, in front of it, an in-process proxy that buffers like a default nginx
// (response headers held back, the body released in 4 KiB pages), so that a
// newcomer sees a direct and a buffered lane side by side within seconds.
package demo
