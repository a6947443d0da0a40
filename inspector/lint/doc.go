// Package lint reads reverse-proxy configurations (nginx, HAProxy, Apache
// httpd, Caddy) and reports, for the places that carry event streams, each
// setting that breaks or endangers Server-Sent Events: the file, line and
// column, the reason, the fix, and an edit that applies it.
//
// Findings use the rule IDs and causes of package diagnose where they
// meet (nginx-buffering, proxy-compression, idle-timeout, ...), so a line
// the linter points at and a finding of a live run name the same thing;
// Explain ties the two together.
//
// Each format has a small parser of its own, in its own files
// (nginx_parse.go, haproxy_parse.go, apache_parse.go, caddy_parse.go).
// The well-kept parser libraries were weighed and not taken: nginx's
// crossplane is not served by the module proxy this module builds from and
// keeps lines but not columns; HAProxy's config-parser is not served
// either and drops positions; Caddy's own caddyfile lexer would pull the
// whole Caddy server into the build and its tokens carry no column; Apache
// has no Go parser worth the name. The four formats are small enough that
// a tokenizer each, fuzzed, does the job, keeps every token's position and
// keeps the build cgo-free.
//
// The parsers do no I/O of their own: included files are read through a
// fs.FS-like Reader given by the caller.
package lint
