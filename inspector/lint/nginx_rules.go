package lint

import (
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"
)

// lintNginx parses an nginx configuration, or the output of "nginx -T",
// and checks every stream location.
func lintNginx(r *Result, name string, src []byte, opts *Options) error {
	p := &ngxParser{r: r, opts: opts, base: filepath.Dir(name)}
	text := string(src)
	if names, files := splitNginxDump(text); names != nil {
		o := *opts
		o.ReadFile = func(n string) ([]byte, error) {
			if s, ok := files[n]; ok {
				return []byte(s), nil
			}
			return nil, fmt.Errorf("%s is not in the nginx -T output", n)
		}
		o.Glob = func(pattern string) ([]string, error) {
			var out []string
			for _, n := range names {
				if ok, _ := path.Match(pattern, n); ok {
					out = append(out, n)
				}
			}
			slices.Sort(out)
			return out, nil
		}
		p.opts, p.base = &o, filepath.Dir(names[0])
		name, text = names[0], files[names[0]]
		for _, n := range names {
			// Patches apply from /: patch refuses absolute names.
			r.patchName[n] = strings.TrimPrefix(n, "/")
		}
	}
	top, err := p.parseFile(name, text)
	if err != nil {
		return fmt.Errorf("nginx: %w", err)
	}
	for _, s := range ngxStreams(top, opts.Path) {
		r.Streams = append(r.Streams, Stream{Pos: s.loc().Pos, Scope: s.name(), Why: s.why})
		checkNgxLocation(r, s)
	}
	return nil
}

// ngxSetting is a directive's value in force for a location and where it
// comes from.
type ngxSetting struct {
	value string
	d     *ngxDirective // nil for the default
}

func (s *ngxScope) setting(name, def string) ngxSetting {
	if d := s.lookup(name); d != nil {
		return ngxSetting{value: strings.ToLower(strings.Join(d.Args, " ")), d: d}
	}
	return ngxSetting{value: def}
}

// describe says where a value comes from, from the location's point of
// view: "proxy_buffering on (default)", "proxy_http_version 1.0 (http at
// nginx.conf:12)".
func (s *ngxScope) describe(name string, v ngxSetting) string {
	switch {
	case v.d == nil:
		return fmt.Sprintf("%s %s (default)", name, v.value)
	case slices.Contains(s.loc().Block, v.d):
		return fmt.Sprintf("%s %s", name, v.value)
	}
	return fmt.Sprintf("%s %s (inherited from %s:%d)", name, v.value, v.d.Pos.File, v.d.Pos.Line)
}

// setEdit returns the edit that makes "name value;" hold in the location:
// the location's own directive rewritten, or a line added to it.
func (r *Result) ngxSetEdit(s *ngxScope, name, value string) Edit {
	loc := s.loc()
	text := name + " " + value + ";"
	if d := lastNamed(loc.Block, name); d != nil && d.Pos.Line == d.End.Line && d.Pos.File == d.End.File {
		return r.replaceSpan(d.Pos.File, d.Pos.Line, d.Pos.Column, d.End.Column, text)
	}
	file := loc.End.File
	if loc.Close.Line == loc.End.Line {
		// A location on one line: add the directive before its "}".
		return r.replaceSpan(file, loc.Close.Line, loc.Close.Column, loc.Close.Column-1, text+" ")
	}
	indent := indentOf(r.line(file, loc.Pos.Line)) + "    "
	for _, d := range loc.Block {
		if d.Pos.File == file && d.Pos.Line > loc.End.Line {
			indent = indentOf(r.line(file, d.Pos.Line))
			break
		}
	}
	return insertAfter(file, loc.End.Line, indent, text)
}

// checkNgxLocation applies the nginx rules to one stream location.
func checkNgxLocation(r *Result, s *ngxScope) {
	checkNgxBuffering(r, s)
	checkNgxGzip(r, s)
	checkNgxCache(r, s)
	checkNgxChunked(r, s)
	checkNgxReadTimeout(r, s)
	checkNgxHTTP2(r, s)
}

// checkNgxHTTP2 notes a TLS server without HTTP/2: browsers then hold
// each stream on one of six HTTP/1.1 connections per host.
func checkNgxHTTP2(r *Result, s *ngxScope) {
	var server *ngxDirective
	for _, d := range s.chain {
		if d.Name == "server" {
			server = d
		}
	}
	if server == nil {
		return
	}
	var tls *ngxDirective
	for _, d := range server.Block {
		switch {
		case d.Name == "http2" && len(d.Args) == 1 && d.Args[0] == "on":
			return
		case d.Name == "listen" && slices.Contains(d.Args, "http2"):
			return
		case d.Name == "listen" && slices.Contains(d.Args, "ssl") && tls == nil:
			tls = d
		}
	}
	if tls == nil {
		return
	}
	r.add(Finding{ID: "connection-limit", Severity: diagnose.SeverityInfo, Pos: tls.Pos, Scope: s.name(),
		Setting: fmt.Sprintf("listen %s without http2", strings.Join(tls.Args, " ")),
		Title:   "Browsers get each stream of this server over HTTP/1.1: six per host at most",
		Reason: "Over HTTP/1.1 a browser opens at most six connections per host, each EventSource holding one: " +
			"a seventh tab's stream stays pending. HTTP/2 carries them all on one connection.",
		Fix: "Serve the site over HTTP/2: in nginx 1.25.1 and later\n    http2 on;\nbefore that\n    listen 443 ssl http2;"})
}

func checkNgxBuffering(r *Result, s *ngxScope) {
	prefix := passPrefix(s.loc())
	name := prefix + "buffering"
	buffering := s.setting(name, "on")
	if buffering.value != "on" {
		return
	}
	pos := s.loc().Pos
	missing := "has no " + name + " off"
	if buffering.d != nil {
		pos, missing = buffering.d.Pos, "has "+s.describe(name, buffering)
	}
	f := Finding{ID: "nginx-buffering", Severity: diagnose.SeverityWarning, Pos: pos, Scope: s.name(),
		Fix: diagnose.RuleFix("nginx-buffering"), Edits: []Edit{r.ngxSetEdit(s, name, "off")}}
	if prefix == "proxy_" {
		version := s.setting("proxy_http_version", "1.0")
		if version.value != "1.0" {
			return // a chunked HTTP/1.1 reply is forwarded chunk by chunk
		}
		f.Setting = fmt.Sprintf("%s %s and inherits %s", s.name(), missing, s.describe("proxy_http_version", version))
		f.Title = "nginx buffers the stream (proxy_buffering on with an HTTP/1.0, unchunked upstream reply)"
		f.Reason = "With proxy_buffering on and the upstream spoken to in HTTP/1.0, the upstream cannot chunk its reply, " +
			"so nginx holds the headers and then releases the stream a buffer (4 KiB) at a time, or only when it ends."
	} else {
		f.Setting = fmt.Sprintf("%s %s", s.name(), missing)
		f.Title = fmt.Sprintf("nginx buffers the stream (%s on)", name)
		f.Reason = fmt.Sprintf("With %s on, nginx holds the %spass reply a buffer (4 KiB) at a time, or until it ends; "+
			"there is no chunked escape as with proxy_http_version 1.1.", name, prefix)
		f.Fix = fmt.Sprintf("In the location that passes the stream:\n    %s off;\nor have the application send the response header\n    X-Accel-Buffering: no", name)
	}
	f.Reason += ngxBufferingNotes(s)
	r.add(f)
}

// ngxBufferingNotes explains settings that keep the application from
// turning buffering off itself.
func ngxBufferingNotes(s *ngxScope) string {
	var notes string
	for _, name := range []string{"proxy_ignore_headers", "fastcgi_ignore_headers", "uwsgi_ignore_headers", "scgi_ignore_headers"} {
		for _, d := range s.lookupAll(name) {
			for _, a := range d.Args {
				if strings.EqualFold(a, "X-Accel-Buffering") {
					notes += fmt.Sprintf(" The application cannot turn it off either: %s X-Accel-Buffering at %s:%d.", name, d.Pos.File, d.Pos.Line)
				}
			}
		}
	}
	for _, d := range s.lookupAll("add_header") {
		if len(d.Args) > 0 && strings.EqualFold(d.Args[0], "X-Accel-Buffering") {
			notes += fmt.Sprintf(" add_header X-Accel-Buffering at %s:%d does not help: nginx reads that header only from the upstream's response.", d.Pos.File, d.Pos.Line)
		}
	}
	return notes
}

// gzipsEventStream reports whether a gzip_types value covers event streams.
func gzipsEventStream(types string) bool {
	for _, t := range strings.Fields(types) {
		if t == "*" || t == "text/event-stream" {
			return true
		}
	}
	return false
}

func checkNgxGzip(r *Result, s *ngxScope) {
	gzip := s.setting("gzip", "off")
	types := s.setting("gzip_types", "text/html")
	if gzip.value != "on" || !gzipsEventStream(types.value) {
		return
	}
	pos := types.d.Pos
	for i, a := range types.d.Args {
		if a == "*" || strings.EqualFold(a, "text/event-stream") {
			pos = types.d.ArgPos[i]
		}
	}
	r.add(Finding{ID: "proxy-compression", Severity: diagnose.SeverityWarning, Pos: pos, Scope: s.name(),
		Setting: fmt.Sprintf("%s has %s with %s", s.name(), s.describe("gzip", gzip), s.describe("gzip_types", types)),
		Title:   "nginx compresses the event stream (gzip on with text/event-stream in gzip_types)",
		Reason: "A compressor emits output only when a block fills or it is flushed: behind proxy_buffering on " +
			"nothing arrives until the stream ends, and even without buffering every event pays for it.",
		Fix:   diagnose.RuleFix("proxy-compression"),
		Edits: []Edit{r.ngxSetEdit(s, "gzip", "off")}})
}

func checkNgxCache(r *Result, s *ngxScope) {
	name := passPrefix(s.loc()) + "cache"
	cache := s.setting(name, "off")
	if cache.value == "off" {
		return
	}
	r.add(Finding{ID: "cached-stream", Severity: diagnose.SeverityWarning, Pos: cache.d.Pos, Scope: s.name(),
		Setting: fmt.Sprintf("%s has %s", s.name(), s.describe(name, cache)),
		Title:   "nginx caches the event stream (" + name + ")",
		Reason: "A cached stream is replayed instead of live (same ids, an Age header), and proxy_cache_lock " +
			"makes concurrent clients wait up to 5 s for the first.",
		Fix:   "In the location that passes the stream:\n    " + name + " off;",
		Edits: []Edit{r.ngxSetEdit(s, name, "off")}})
}

func checkNgxChunked(r *Result, s *ngxScope) {
	chunked := s.setting("chunked_transfer_encoding", "on")
	if chunked.value != "off" {
		return
	}
	r.add(Finding{ID: "unframed-body", Severity: diagnose.SeverityWarning, Pos: chunked.d.Pos, Scope: s.name(),
		Setting: fmt.Sprintf("%s has %s", s.name(), s.describe("chunked_transfer_encoding", chunked)),
		Title:   "nginx sends the stream unframed (chunked_transfer_encoding off)",
		Reason: "Without chunking a reply of unknown length has no framing: its end is the connection's close, " +
			"a dropped connection looks like a finished stream, and there is no keep-alive.",
		Fix:   "Remove chunked_transfer_encoding off, or in the stream's location:\n    chunked_transfer_encoding on;",
		Edits: []Edit{r.ngxSetEdit(s, "chunked_transfer_encoding", "on")}})
}

// minSafeTimeout is the shortest idle timeout that a stream sending the
// spec's heartbeat every 15 s survives with room to spare.
const minSafeTimeout = 30 * time.Second

func checkNgxReadTimeout(r *Result, s *ngxScope) {
	name := passPrefix(s.loc()) + "read_timeout"
	rt := s.setting(name, "60s")
	d, err := parseNginxTime(rt.value)
	if err != nil {
		return
	}
	f := Finding{ID: "idle-timeout", Severity: diagnose.SeverityInfo, Pos: s.loc().Pos, Scope: s.name(),
		Setting: fmt.Sprintf("%s has %s", s.name(), s.describe(name, rt)),
		Title:   fmt.Sprintf("nginx closes the stream %s after the upstream's last byte (%s)", fmtDuration(d), name),
		Reason: name + " counts from the last byte read from the upstream: a stream silent for longer " +
			"is cut without its last chunk, and EventSource reconnects.",
		Fix: diagnose.HeartbeatFix(d)}
	if rt.d != nil {
		f.Pos = rt.d.Pos
	}
	if d < minSafeTimeout {
		f.Severity = diagnose.SeverityWarning
		f.Edits = []Edit{r.ngxSetEdit(s, name, "1h")}
		f.Fix += "\nThe patch raises it to an hour."
	}
	r.add(f)
}

// parseNginxTime reads an nginx time value: "60", "60s", "1m30s", "1h", "500ms".
func parseNginxTime(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, fmt.Errorf("empty time")
	}
	if n, err := strconv.Atoi(v); err == nil {
		return time.Duration(n) * time.Second, nil
	}
	units := map[string]time.Duration{"ms": time.Millisecond, "s": time.Second, "m": time.Minute,
		"h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour, "M": 30 * 24 * time.Hour, "y": 365 * 24 * time.Hour}
	var total time.Duration
	for v != "" {
		i := 0
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i++
		}
		j := i
		for j < len(v) && (v[j] < '0' || v[j] > '9') && v[j] != ' ' {
			j++
		}
		n, err := strconv.Atoi(v[:i])
		u, ok := units[v[i:j]]
		if err != nil || !ok {
			return 0, fmt.Errorf("bad time %q", v)
		}
		total += time.Duration(n) * u
		v = strings.TrimSpace(v[j:])
	}
	return total, nil
}

// fmtDuration prints a duration as people write timeouts: "60 s", "2 min".
func fmtDuration(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%d h", d/time.Hour)
	case d >= time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%d min", d/time.Minute)
	case d%time.Second == 0:
		return fmt.Sprintf("%d s", d/time.Second)
	}
	return d.String()
}
