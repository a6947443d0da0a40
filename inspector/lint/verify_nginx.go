package lint

import (
	"fmt"
	"path"
	"strings"
)

// ngxVerifyDirectives are the settings a reduced configuration carries
// over from the stream's location and the blocks around it: those that
// decide how a proxied stream is buffered, compressed, framed and timed.
var ngxVerifyDirectives = []string{
	"proxy_buffering", "proxy_http_version", "proxy_set_header", "proxy_read_timeout", "proxy_send_timeout",
	"proxy_buffer_size", "proxy_buffers", "proxy_busy_buffers_size", "proxy_ignore_headers", "proxy_hide_header",
	"gzip", "gzip_types", "gzip_min_length", "gzip_comp_level", "gzip_proxied", "gzip_vary", "gzip_buffers",
	"chunked_transfer_encoding", "add_header", "send_timeout", "keepalive_timeout", "postpone_output",
	"tcp_nodelay", "tcp_nopush", "sendfile",
}

// VerifyConfig is a reduced, runnable configuration of one stream place:
// its effective settings, as the server applies them, with nothing else.
type VerifyConfig struct {
	// Scope names the stream place it was reduced from.
	Scope string
	// Before holds the settings as configured, After with the findings'
	// edits applied. Each is a text/template for a whole configuration
	// given {{.Dir}} (a writable directory), {{.Addr}} (host:port to
	// listen on) and {{.Upstream}} (the origin's base URL).
	Before, After string
}

// VerifyConfigs reduces the first stream place of an nginx result to a
// configuration that runs on loopback in front of any origin, before and
// after its edits, so the patch can be proved on the real server without
// the rest of the user's configuration (certificates, other servers,
// upstream names) getting in the way.
func (r *Result) VerifyConfigs() (*VerifyConfig, error) {
	if r.Format != Nginx {
		return nil, fmt.Errorf("verify: only nginx configurations can be reduced to a runnable copy, not %s", r.Format)
	}
	if len(r.Streams) == 0 {
		return nil, fmt.Errorf("verify: no stream place to verify")
	}
	before, scope, err := r.reducedNginx(nil)
	if err != nil {
		return nil, err
	}
	patched := map[string]string{}
	for _, name := range r.Files {
		text, err := r.Apply(name)
		if err != nil {
			return nil, err
		}
		patched[name] = text
	}
	after, _, err := r.reducedNginx(patched)
	if err != nil {
		return nil, fmt.Errorf("verify: the patched configuration: %w", err)
	}
	return &VerifyConfig{Scope: scope, Before: before, After: after}, nil
}

// reducedNginx parses the files read (or their replacements in texts) and
// returns the reduced configuration of the first stream place.
func (r *Result) reducedNginx(texts map[string]string) (string, string, error) {
	read := func(name string) ([]byte, error) {
		if t, ok := texts[name]; ok {
			return []byte(t), nil
		}
		if src, ok := r.sources[name]; ok {
			return src, nil
		}
		return nil, fmt.Errorf("%s was not read by the lint", name)
	}
	files := r.Files
	glob := func(pattern string) ([]string, error) {
		var out []string
		for _, n := range files {
			if ok, _ := path.Match(pattern, n); ok {
				out = append(out, n)
			}
		}
		return out, nil
	}
	main := r.Files[0]
	src, _ := read(main)
	opts := &Options{ReadFile: read, Glob: glob}
	p := &ngxParser{r: &Result{sources: map[string][]byte{}, patchName: map[string]string{}}, opts: opts, base: dirOf(main)}
	top, err := p.parseFile(main, string(src))
	if err != nil {
		return "", "", err
	}
	streams := ngxStreams(top, r.pathFor())
	if len(streams) == 0 {
		return "", "", fmt.Errorf("no stream place")
	}
	s := streams[0]
	if passPrefix(s.loc()) != "proxy_" {
		return "", "", fmt.Errorf("%s passes requests with %spass: only proxy_pass locations can be run in front of an HTTP origin", s.name(), passPrefix(s.loc()))
	}
	var b strings.Builder
	b.WriteString("daemon off;\nmaster_process off;\nworker_processes 1;\npid {{.Dir}}/nginx.pid;\nerror_log {{.Dir}}/error.log info;\n")
	b.WriteString("events { worker_connections 64; }\nhttp {\n    access_log off;\n")
	b.WriteString("    client_body_temp_path {{.Dir}}/tmp/body;\n    proxy_temp_path {{.Dir}}/tmp/proxy;\n")
	b.WriteString("    server {\n        listen {{.Addr}};\n        location / {\n            proxy_pass {{.Upstream}};\n")
	for _, name := range ngxVerifyDirectives {
		for _, d := range s.lookupAll(name) {
			b.WriteString("            " + name)
			for _, a := range d.Args {
				b.WriteString(" " + ngxQuote(a))
			}
			b.WriteString(";\n")
		}
	}
	b.WriteString("        }\n    }\n}\n")
	return b.String(), s.name(), nil
}

// pathFor returns the path the streams were chosen for, if one was given.
func (r *Result) pathFor() string {
	for _, s := range r.Streams {
		if p, ok := strings.CutPrefix(s.Why, "it serves "); ok {
			return p
		}
	}
	return ""
}

// ngxQuote quotes an argument for an nginx configuration when it needs it.
func ngxQuote(a string) string {
	if a != "" && !strings.ContainsAny(a, " \t\n;{}\"'\\#") {
		return a
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(a) + `"`
}
