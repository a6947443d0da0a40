package lint

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"
)

// ngxDirective is one nginx directive: a name, its arguments and, for a
// block directive, the directives inside.
type ngxDirective struct {
	Name    string
	Args    []string
	ArgPos  []Pos
	Pos     Pos // the name's position
	End     Pos // the ';' or '{' that ends it
	Close   Pos // the '}' closing a block
	IsBlock bool
	Block   []*ngxDirective
}

// ngxToken is one token of an nginx configuration: a word (quotes
// removed) or one of ";", "{", "}".
type ngxToken struct {
	Text   string
	Pos    Pos
	Quoted bool
}

// ngxLexer splits an nginx configuration into tokens as nginx's own
// ngx_conf_read_token does: whitespace separates words, "#" at the start
// of a word comments out the rest of the line, quotes group words and a
// backslash escapes the next byte.
type ngxLexer struct {
	file string
	src  string
	off  int
	line int
	col  int
}

func newNgxLexer(file, src string) *ngxLexer {
	return &ngxLexer{file: file, src: src, line: 1, col: 1}
}

func (l *ngxLexer) advance() byte {
	c := l.src[l.off]
	l.off++
	if c == '\n' {
		l.line++
		l.col = 1
	} else {
		l.col++
	}
	return c
}

func (l *ngxLexer) pos() Pos { return Pos{File: l.file, Line: l.line, Column: l.col} }

// next returns the next token; ok is false at the end of the input.
func (l *ngxLexer) next() (tok ngxToken, ok bool, err error) {
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			l.advance()
		case c == '#':
			for l.off < len(l.src) && l.src[l.off] != '\n' {
				l.advance()
			}
		case c == ';' || c == '{' || c == '}':
			p := l.pos()
			l.advance()
			return ngxToken{Text: string(c), Pos: p}, true, nil
		case c == '"' || c == '\'':
			return l.quoted(c)
		default:
			return l.word()
		}
	}
	return ngxToken{}, false, nil
}

func (l *ngxLexer) quoted(q byte) (ngxToken, bool, error) {
	p := l.pos()
	l.advance()
	var b strings.Builder
	for l.off < len(l.src) {
		c := l.advance()
		switch {
		case c == '\\' && l.off < len(l.src):
			n := l.advance()
			if n != q && n != '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(n)
		case c == q:
			return ngxToken{Text: b.String(), Pos: p, Quoted: true}, true, nil
		default:
			b.WriteByte(c)
		}
	}
	return ngxToken{}, false, fmt.Errorf("%s: unterminated quoted string", p)
}

func (l *ngxLexer) word() (ngxToken, bool, error) {
	p := l.pos()
	var b strings.Builder
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '{' && !strings.HasSuffix(b.String(), "$") || c == '}' && !l.inVariable(b.String()):
			return ngxToken{Text: b.String(), Pos: p}, true, nil
		case c == '\\' && l.off+1 < len(l.src):
			l.advance()
			b.WriteByte(l.advance())
		default:
			b.WriteByte(l.advance())
		}
	}
	return ngxToken{Text: b.String(), Pos: p}, true, nil
}

// inVariable reports whether a word ends inside "${...".
func (l *ngxLexer) inVariable(w string) bool {
	i := strings.LastIndex(w, "${")
	return i >= 0 && !strings.Contains(w[i:], "}")
}

// ngxParser builds the directive tree, following includes.
type ngxParser struct {
	r     *Result
	opts  *Options
	base  string // directory relative includes are resolved against
	depth int
}

// maxNesting bounds block and include nesting.
const maxNesting = 50

// parseFile parses one file's text.
func (p *ngxParser) parseFile(name, src string) ([]*ngxDirective, error) {
	if len(src) > maxFileSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, maxFileSize)
	}
	if err := p.r.addSource(name, []byte(src)); err != nil {
		return nil, err
	}
	lx := newNgxLexer(name, src)
	ds, closed, err := p.parseBlock(lx, 0)
	if err != nil {
		return nil, err
	}
	if closed != nil {
		return nil, fmt.Errorf("%s: unexpected \"}\"", closed.Pos)
	}
	return ds, nil
}

// parseBlock reads directives until the end of the input or a "}", which
// it returns.
func (p *ngxParser) parseBlock(lx *ngxLexer, depth int) ([]*ngxDirective, *ngxToken, error) {
	if depth > maxNesting {
		return nil, nil, fmt.Errorf("%s: blocks nested more than %d deep", lx.pos(), maxNesting)
	}
	var out []*ngxDirective
	var cur *ngxDirective
	for {
		tok, ok, err := lx.next()
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			if cur != nil {
				return nil, nil, fmt.Errorf("%s: directive %q has no ending \";\"", cur.Pos, cur.Name)
			}
			return out, nil, nil
		}
		switch {
		case tok.Text == "}" && !tok.Quoted:
			if cur != nil {
				return nil, nil, fmt.Errorf("%s: directive %q has no ending \";\"", cur.Pos, cur.Name)
			}
			return out, &tok, nil
		case tok.Text == ";" && !tok.Quoted:
			if cur == nil {
				return nil, nil, fmt.Errorf("%s: unexpected \";\"", tok.Pos)
			}
			cur.End = tok.Pos
			if cur.Name == "include" {
				inc, err := p.include(cur)
				if err != nil {
					return nil, nil, err
				}
				out = append(out, inc...)
			} else {
				out = append(out, cur)
			}
			cur = nil
		case tok.Text == "{" && !tok.Quoted:
			if cur == nil {
				return nil, nil, fmt.Errorf("%s: unexpected \"{\"", tok.Pos)
			}
			cur.End, cur.IsBlock = tok.Pos, true
			if strings.HasSuffix(cur.Name, "_by_lua_block") {
				if err := skipLuaBlock(lx); err != nil {
					return nil, nil, fmt.Errorf("%s: %w", cur.Pos, err)
				}
			} else {
				inner, closed, err := p.parseBlock(lx, depth+1)
				if err != nil {
					return nil, nil, err
				}
				if closed == nil {
					return nil, nil, fmt.Errorf("%s: block %q is not closed", cur.Pos, cur.Name)
				}
				cur.Block, cur.Close = inner, closed.Pos
			}
			out = append(out, cur)
			cur = nil
		case cur == nil:
			cur = &ngxDirective{Name: tok.Text, Pos: tok.Pos}
		default:
			cur.Args = append(cur.Args, tok.Text)
			cur.ArgPos = append(cur.ArgPos, tok.Pos)
		}
	}
}

// skipLuaBlock skips the Lua code of a *_by_lua_block up to its closing
// brace, counting braces outside Lua strings and comments.
func skipLuaBlock(lx *ngxLexer) error {
	depth := 1
	for lx.off < len(lx.src) {
		c := lx.advance()
		switch c {
		case '{':
			depth++
		case '}':
			if depth--; depth == 0 {
				return nil
			}
		case '"', '\'':
			for lx.off < len(lx.src) {
				d := lx.advance()
				if d == '\\' && lx.off < len(lx.src) {
					lx.advance()
				} else if d == c || d == '\n' {
					break
				}
			}
		case '-':
			if lx.off < len(lx.src) && lx.src[lx.off] == '-' {
				for lx.off < len(lx.src) && lx.src[lx.off] != '\n' {
					lx.advance()
				}
			}
		}
	}
	return fmt.Errorf("the Lua block is not closed")
}

// include reads the files an include directive names, in the order nginx
// does (sorted glob matches), and returns their directives.
func (p *ngxParser) include(d *ngxDirective) ([]*ngxDirective, error) {
	if len(d.Args) != 1 {
		return nil, fmt.Errorf("%s: include takes one file or pattern", d.Pos)
	}
	if p.depth >= maxNesting {
		return nil, fmt.Errorf("%s: includes nested more than %d deep", d.Pos, maxNesting)
	}
	pattern := d.Args[0]
	if !path.IsAbs(pattern) && !filepath.IsAbs(pattern) {
		pattern = filepath.Join(p.base, pattern)
	}
	names, err := p.opts.glob(pattern)
	if err != nil {
		return nil, fmt.Errorf("%s: include %s: %w", d.Pos, d.Args[0], err)
	}
	var out []*ngxDirective
	for _, name := range names {
		src, err := p.opts.readFile(name)
		if err != nil {
			return nil, fmt.Errorf("%s: include: %w", d.Pos, err)
		}
		p.depth++
		ds, err := p.parseFile(name, string(src))
		p.depth--
		if err != nil {
			return nil, err
		}
		out = append(out, ds...)
	}
	return out, nil
}

// ngxDumpHeader starts each file in the output of "nginx -T".
const ngxDumpHeader = "# configuration file "

// splitNginxDump splits the output of "nginx -T" into its files, in the
// order nginx printed them. It returns nil when src is not such output.
func splitNginxDump(src string) (names []string, files map[string]string) {
	if !strings.Contains(src, ngxDumpHeader) {
		return nil, nil
	}
	files = map[string]string{}
	var cur string
	var b strings.Builder
	flush := func() {
		if cur != "" {
			files[cur] = b.String()
		}
		b.Reset()
	}
	for _, line := range strings.SplitAfter(src, "\n") {
		if rest, ok := strings.CutPrefix(line, ngxDumpHeader); ok && strings.HasSuffix(strings.TrimRight(rest, "\r\n"), ":") {
			flush()
			cur = strings.TrimSuffix(strings.TrimRight(rest, "\r\n"), ":")
			if _, dup := files[cur]; !dup {
				names = append(names, cur)
			}
			continue
		}
		if cur != "" {
			b.WriteString(line)
		}
	}
	flush()
	return names, files
}
