package lint

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"
)

// apProxy is a ProxyPass with the sections around it, outermost first.
type apProxy struct {
	d     *apDirective
	chain []*apDirective // enclosing sections; chain[0] is the top level
	path  string         // the URL path it serves
	url   string         // the backend URL
	why   string
}

func (p *apProxy) name() string { return "ProxyPass " + p.path }

// lintApache parses an Apache httpd configuration and checks every
// ProxyPass that carries streams.
func lintApache(r *Result, name string, src []byte, opts *Options) error {
	p := &apParser{r: r, opts: opts, root: filepath.Dir(name)}
	top, err := p.parseFile(name, string(src))
	if err != nil {
		return fmt.Errorf("apache: %w", err)
	}
	for _, px := range apStreams(top, opts.Path) {
		r.Streams = append(r.Streams, Stream{Pos: px.d.Pos, Scope: px.name(), Why: px.why})
		checkApacheFlush(r, px)
		checkApacheTimeout(r, px)
		checkApacheDeflate(r, px)
	}
	return nil
}

// apProxies lists every ProxyPass with the path it serves: its first
// argument, or the enclosing <Location>'s.
func apProxies(top []*apDirective) []*apProxy {
	var out []*apProxy
	var walk func(ds []*apDirective, chain []*apDirective, loc string)
	walk = func(ds []*apDirective, chain []*apDirective, loc string) {
		for _, d := range ds {
			switch {
			case d.Section:
				inner := loc
				if (d.is("Location") || d.is("LocationMatch")) && len(d.Args) > 0 {
					inner = d.Args[len(d.Args)-1]
				}
				walk(d.Block, append(slices.Clone(chain), d), inner)
			case d.is("ProxyPass") && len(d.Args) > 0:
				px := &apProxy{d: d, chain: chain}
				if loc != "" && !strings.HasPrefix(d.Args[0], "/") {
					px.path, px.url = loc, d.Args[0]
				} else if len(d.Args) > 1 {
					px.path, px.url = d.Args[0], d.Args[1]
				} else {
					continue
				}
				if px.url == "!" {
					continue
				}
				out = append(out, px)
			}
		}
	}
	root := &apDirective{Name: "server config", Section: true, Block: top}
	walk(top, []*apDirective{root}, "")
	return out
}

// apStreams picks the ProxyPass lines that carry streams: the first that
// serves path in each virtual host, or those whose path suggests streams,
// or every one when none does.
func apStreams(top []*apDirective, path string) []*apProxy {
	all := apProxies(top)
	if path != "" {
		seen := map[*apDirective]bool{}
		var out []*apProxy
		for _, px := range all {
			host := px.chain[min(1, len(px.chain)-1)]
			if seen[host] || !strings.HasPrefix(path, strings.TrimSuffix(px.path, "/")) {
				continue
			}
			seen[host] = true
			px.why = "it serves " + path
			out = append(out, px)
		}
		return out
	}
	var hinted []*apProxy
	for _, px := range all {
		if streamHint.MatchString(px.path) {
			px.why = "its path suggests a stream"
			hinted = append(hinted, px)
		} else {
			px.why = "it proxies to an upstream (give --path to name the stream's)"
		}
	}
	if len(hinted) > 0 {
		return hinted
	}
	return all
}

// param returns a key=value parameter of the ProxyPass line.
func (p *apProxy) param(key string) (string, int, bool) {
	for i, a := range p.d.Args {
		if k, v, ok := strings.Cut(a, "="); ok && strings.EqualFold(k, key) {
			return v, i, true
		}
	}
	return "", -1, false
}

// lookup returns the innermost directive with the name around the
// ProxyPass.
func (p *apProxy) lookup(name string) *apDirective {
	for i := len(p.chain) - 1; i >= 0; i-- {
		for j := len(p.chain[i].Block) - 1; j >= 0; j-- {
			if d := p.chain[i].Block[j]; !d.Section && d.is(name) {
				return d
			}
		}
	}
	return nil
}

// appendParam returns the edit adding " key=value" to the end of the
// ProxyPass line, or replacing the parameter it already has.
func (r *Result) apParamEdit(p *apProxy, key, value string) Edit {
	if _, i, ok := p.param(key); ok {
		at := p.d.ArgPos[i]
		return r.replaceSpan(at.File, at.Line, at.Column, at.Column+len(p.d.Args[i])-1, key+"="+value)
	}
	file, line := p.d.Pos.File, p.d.LastLine
	l := r.line(file, line)
	return Edit{File: file, Line: line, Replace: 1, Text: []string{strings.TrimRight(l, " \t") + " " + key + "=" + value}}
}

// checkApacheFlush flags FastCGI and AJP backends without flushpackets:
// those modules hold the reply in an 8 KiB buffer.
func checkApacheFlush(r *Result, p *apProxy) {
	u := strings.ToLower(p.url)
	if i := strings.Index(u, "|"); i >= 0 {
		u = u[i+1:]
	}
	if !strings.HasPrefix(u, "fcgi://") && !strings.HasPrefix(u, "ajp://") {
		return
	}
	if v, _, ok := p.param("flushpackets"); ok && (strings.EqualFold(v, "on") || strings.EqualFold(v, "auto")) {
		return
	}
	scheme, _, _ := strings.Cut(u, ":")
	r.add(Finding{ID: "proxy-buffering", Severity: diagnose.SeverityWarning, Pos: p.d.Pos, Scope: p.name(),
		Setting: fmt.Sprintf("%s to %s has no flushpackets=on", p.name(), p.url),
		Title:   "Apache buffers the stream: mod_proxy_" + scheme + " without flushpackets=on",
		Reason: "mod_proxy_fcgi and mod_proxy_ajp hold the reply in their I/O buffer (8 KiB) unless told to flush, " +
			"so events arrive in 4–8 KiB bursts or at the end.",
		Fix:   "Add flushpackets=on to the ProxyPass line.",
		Edits: []Edit{r.apParamEdit(p, "flushpackets", "on")}})
}

// checkApacheTimeout checks the time mod_proxy waits for the next bytes
// of the backend: the ProxyPass timeout= parameter, else ProxyTimeout,
// else Timeout (60 s when unset; Debian's apache2.conf sets 300).
func checkApacheTimeout(r *Result, p *apProxy) {
	value, source := "60", "Timeout 60 (default)"
	pos := p.d.Pos
	if d := p.lookup("Timeout"); d != nil && len(d.Args) == 1 {
		value, source, pos = d.Args[0], "Timeout "+d.Args[0], d.ArgPos[0]
	}
	if d := p.lookup("ProxyTimeout"); d != nil && len(d.Args) == 1 {
		value, source, pos = d.Args[0], "ProxyTimeout "+d.Args[0], d.ArgPos[0]
	}
	if v, i, ok := p.param("timeout"); ok {
		value, source, pos = v, "timeout="+v, p.d.ArgPos[i]
	}
	secs, err := strconv.Atoi(value)
	if err != nil || secs <= 0 {
		return
	}
	d := time.Duration(secs) * time.Second
	if d >= 5*time.Minute {
		return
	}
	f := Finding{ID: "idle-timeout", Severity: diagnose.SeverityInfo, Pos: pos, Scope: p.name(),
		Setting: fmt.Sprintf("%s waits for the backend under %s", p.name(), source),
		Title:   fmt.Sprintf("Apache closes the stream %s after the backend's last byte (%s)", fmtDuration(d), source),
		Reason:  "mod_proxy gives up on a backend silent for longer: the stream is cut and EventSource reconnects.",
		Fix:     diagnose.HeartbeatFix(d)}
	if d < minSafeTimeout {
		f.Severity = diagnose.SeverityWarning
		f.Fix += "\nThe patch sets timeout=3600 on the ProxyPass line."
		f.Edits = []Edit{r.apParamEdit(p, "timeout", "3600")}
	}
	r.add(f)
}

// checkApacheDeflate flags mod_deflate on event streams: an
// AddOutputFilterByType DEFLATE naming text/event-stream, or
// SetOutputFilter DEFLATE, around the ProxyPass, unless no-gzip is set.
func checkApacheDeflate(r *Result, p *apProxy) {
	for i := len(p.chain) - 1; i >= 0; i-- {
		for _, d := range p.chain[i].Block {
			if d.is("SetEnv") && len(d.Args) > 0 && strings.EqualFold(d.Args[0], "no-gzip") {
				return
			}
		}
	}
	for i := len(p.chain) - 1; i >= 0; i-- {
		for _, d := range p.chain[i].Block {
			switch {
			case d.is("AddOutputFilterByType") && len(d.Args) > 1 && hasDeflate(d.Args[0]):
				at := slices.IndexFunc(d.Args[1:], func(t string) bool { return strings.EqualFold(t, "text/event-stream") })
				if at < 0 {
					continue
				}
				keep := append(slices.Clone(d.Args[:1+at]), d.Args[2+at:]...)
				text := "# " + strings.Join(append([]string{d.Name}, d.Args...), " ")
				if len(keep) > 1 {
					text = strings.Join(append([]string{d.Name}, keep...), " ")
				}
				addDeflate(r, p, d, d.ArgPos[1+at], []Edit{r.replaceLine(d.Pos.File, d.Pos.Line, text)})
				return
			case d.is("SetOutputFilter") && len(d.Args) == 1 && hasDeflate(d.Args[0]):
				addDeflate(r, p, d, d.Pos, nil)
				return
			}
		}
	}
}

func hasDeflate(filters string) bool {
	for _, f := range strings.Split(filters, ";") {
		if strings.EqualFold(f, "DEFLATE") {
			return true
		}
	}
	return false
}

func addDeflate(r *Result, p *apProxy, d *apDirective, pos Pos, edits []Edit) {
	r.add(Finding{ID: "proxy-compression", Severity: diagnose.SeverityWarning, Pos: pos, Scope: p.name(),
		Setting: fmt.Sprintf("%s is compressed by %s %s", p.name(), d.Name, strings.Join(d.Args, " ")),
		Title:   "Apache compresses the event stream (mod_deflate)",
		Reason:  "A compressor emits output only when a block fills or it is flushed: events wait for the next ones.",
		Fix: "Leave text/event-stream out of AddOutputFilterByType DEFLATE, or in the stream's <Location>:\n" +
			"    SetEnv no-gzip 1",
		Edits: edits})
}
