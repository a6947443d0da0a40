package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sseinspector/sseinspector/inspector/diagnose"
)

// Format names a configuration language.
type Format string

// The formats the linter reads.
const (
	Nginx   Format = "nginx"
	HAProxy Format = "haproxy"
	Apache  Format = "apache"
	Caddy   Format = "caddy"
)

// Formats lists the formats the linter reads.
var Formats = []Format{Nginx, HAProxy, Apache, Caddy}

// Pos is a place in a configuration file; lines and columns count from 1.
type Pos struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

// String formats the position as file:line:column.
func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column) }

// Finding is one setting that breaks or endangers event streams.
type Finding struct {
	// ID is the rule, shared with the live diagnosis where they meet.
	ID       string            `json:"id"`
	Severity diagnose.Severity `json:"severity"`
	// Pos is the line to change: the directive itself, or the block that
	// lacks the setting when the harm is a default or inherited value.
	Pos Pos `json:"pos"`
	// Scope names the stream place the finding is about, e.g.
	// "location /events" or "backend app".
	Scope string `json:"scope"`
	// Setting is the value in force as the server sees it, with where it
	// comes from: "proxy_buffering on (default)".
	Setting string `json:"setting"`
	// Title says in a line what goes wrong.
	Title string `json:"title"`
	// Cause is the live diagnosis's wording of the rule.
	Cause string `json:"cause,omitempty"`
	// Reason says why the setting harms event streams.
	Reason string `json:"reason"`
	// Fix says what to change; Edits apply it.
	Fix   string `json:"fix"`
	Edits []Edit `json:"edits,omitempty"`
	// Evidence holds what a live run through the proxy showed about the
	// setting (see Explain).
	Evidence []string `json:"evidence,omitempty"`
}

// Edit replaces Replace lines of File starting at Line (1-based) with
// Text; Replace 0 inserts Text before Line.
type Edit struct {
	File    string   `json:"file"`
	Line    int      `json:"line"`
	Replace int      `json:"replace"`
	Text    []string `json:"text"`
}

// Stream is a place in the configuration taken to carry event streams.
type Stream struct {
	Pos   Pos    `json:"pos"`
	Scope string `json:"scope"`
	// Why says why it was taken: the --path given, a name that suggests
	// streams, streaming settings already present, or that it proxies.
	Why string `json:"why"`
}

// Result is what linting one configuration found.
type Result struct {
	Format   Format    `json:"format"`
	Files    []string  `json:"files"`
	Streams  []Stream  `json:"streams"`
	Findings []Finding `json:"findings"`
	// Problems is true when a finding is a warning or worse.
	Problems bool `json:"problems"`

	sources map[string][]byte
	// patchName maps a file to the name its patch headers use.
	patchName map[string]string
}

// Options tune a lint. The zero value detects the format, ranks the
// places that proxy, and reads included files from disk.
type Options struct {
	// Format is the configuration language; "" detects it.
	Format Format
	// Path is the URL path of the stream, e.g. "/events": only the places
	// that serve it are linted. "" lints every place that proxies,
	// preferring those that look like streams.
	Path string
	// ReadFile reads an included file; nil reads from disk.
	ReadFile func(name string) ([]byte, error)
	// Glob expands an include pattern; nil uses filepath.Glob.
	Glob func(pattern string) ([]string, error)
}

func (o *Options) readFile(name string) ([]byte, error) {
	if o.ReadFile != nil {
		return o.ReadFile(name)
	}
	return os.ReadFile(name)
}

func (o *Options) glob(pattern string) ([]string, error) {
	if o.Glob != nil {
		return o.Glob(pattern)
	}
	if !strings.ContainsAny(pattern, "*?[") {
		return []string{pattern}, nil
	}
	return filepath.Glob(pattern)
}

// maxFiles bounds how many files one configuration may include, so an
// include loop or a huge tree cannot exhaust memory.
const maxFiles = 1000

// maxFileSize bounds one configuration file.
const maxFileSize = 16 << 20

// Lint reads the configuration src, named name (its includes are resolved
// against name's directory), and reports its findings, most severe first.
func Lint(name string, src []byte, opts Options) (*Result, error) {
	format := opts.Format
	if format == "" {
		format = Detect(name, src)
		if format == "" {
			return nil, fmt.Errorf("%s: cannot tell the configuration format; give it with --format (%s)", name, formatList())
		}
	}
	r := &Result{Format: format, sources: map[string][]byte{}, patchName: map[string]string{}}
	var err error
	switch format {
	case Nginx:
		err = lintNginx(r, name, src, &opts)
	case HAProxy:
		err = lintHAProxy(r, name, src, &opts)
	case Apache:
		err = lintApache(r, name, src, &opts)
	case Caddy:
		err = lintCaddy(r, name, src, &opts)
	default:
		return nil, fmt.Errorf("unknown configuration format %q (want %s)", format, formatList())
	}
	if err != nil {
		return nil, err
	}
	r.finish()
	return r, nil
}

func formatList() string {
	var names []string
	for _, f := range Formats {
		names = append(names, string(f))
	}
	return strings.Join(names, ", ")
}

// addSource records a file read, for the patch.
func (r *Result) addSource(name string, src []byte) error {
	if _, dup := r.sources[name]; !dup {
		if len(r.sources) >= maxFiles {
			return fmt.Errorf("%s: more than %d configuration files included", name, maxFiles)
		}
		r.Files = append(r.Files, name)
	}
	r.sources[name] = src
	return nil
}

// add appends a finding, filling in the diagnosis's wording of its rule.
func (r *Result) add(f Finding) {
	if f.Cause == "" {
		f.Cause = diagnose.RuleCause(f.ID)
	}
	r.Findings = append(r.Findings, f)
}

// finish sorts the findings, most severe first, then by position, and sets
// Problems.
func (r *Result) finish() {
	slices.SortStableFunc(r.Findings, func(a, b Finding) int {
		if a.Severity != b.Severity {
			return int(b.Severity) - int(a.Severity)
		}
		if a.Pos.File != b.Pos.File {
			return strings.Compare(a.Pos.File, b.Pos.File)
		}
		return a.Pos.Line - b.Pos.Line
	})
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	if r.Streams == nil {
		r.Streams = []Stream{}
	}
	r.Problems = slices.ContainsFunc(r.Findings, func(f Finding) bool { return f.Severity >= diagnose.SeverityWarning })
}

// Detect guesses the format of a configuration from its name and text, or
// returns "" when nothing gives it away.
func Detect(name string, src []byte) Format {
	base := strings.ToLower(filepath.Base(name))
	switch {
	case strings.Contains(base, "caddyfile"):
		return Caddy
	case strings.Contains(base, "haproxy"):
		return HAProxy
	case strings.Contains(base, "nginx"):
		return Nginx
	case strings.Contains(base, "httpd") || strings.Contains(base, "apache"):
		return Apache
	}
	score := map[Format]int{}
	for _, line := range strings.Split(string(src), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		w := f[0]
		switch {
		case w == "location" || w == "server" && strings.HasSuffix(line, "{") || w == "proxy_pass" || w == "http" || strings.HasSuffix(w, "_by_lua_block"):
			score[Nginx] += 2
		case strings.HasSuffix(strings.TrimSpace(line), ";"):
			score[Nginx]++
		case w == "frontend" || w == "backend" || w == "defaults" || w == "listen" || w == "bind" || w == "use_backend" || w == "default_backend":
			score[HAProxy] += 2
		case strings.HasPrefix(w, "<") && !strings.HasPrefix(w, "<<") || w == "ProxyPass" || w == "LoadModule" || w == "ServerName" || w == "ProxyTimeout":
			score[Apache] += 2
		case w == "reverse_proxy" || w == "encode" || w == "handle" || w == "handle_path" || w == "route" || w == "file_server":
			score[Caddy] += 2
		}
	}
	best, bestScore := Format(""), 0
	for _, f := range Formats {
		if score[f] > bestScore {
			best, bestScore = f, score[f]
		}
	}
	return best
}
