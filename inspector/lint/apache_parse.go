package lint

import (
	"fmt"
	"path/filepath"
	"strings"
)

// apDirective is one Apache httpd directive, or a <Section> with the
// directives inside.
type apDirective struct {
	Name     string // as written; compare with strings.EqualFold
	Args     []string
	ArgPos   []Pos
	Pos      Pos
	LastLine int // the last line of a directive continued with "\"
	Section  bool
	Block    []*apDirective
	Close    Pos // the </Section> line
}

// is reports whether the directive has the name, in any case.
func (d *apDirective) is(name string) bool { return strings.EqualFold(d.Name, name) }

// apParser reads Apache httpd configuration files, following Include and
// IncludeOptional.
type apParser struct {
	r     *Result
	opts  *Options
	root  string // ServerRoot, for relative includes
	depth int
}

// apLine is one logical line: continuation lines joined, with the column
// of each byte kept for positions.
type apLine struct {
	text  string
	pos   []Pos // position of each byte of text
	first int
	last  int
}

// apLines joins continued lines of a file and drops comments and blanks.
func apLines(file, src string) []apLine {
	var out []apLine
	var cur *apLine
	for i, raw := range strings.Split(src, "\n") {
		raw = strings.TrimSuffix(raw, "\r")
		lineNo := i + 1
		if cur == nil {
			trimmed := strings.TrimLeft(raw, " \t")
			if trimmed == "" || strings.HasPrefix(trimmed, "#") {
				continue
			}
			cur = &apLine{first: lineNo}
		}
		text := raw
		cont := strings.HasSuffix(text, "\\")
		if cont {
			text = strings.TrimSuffix(text, "\\")
		}
		for c := 0; c < len(text); c++ {
			cur.pos = append(cur.pos, Pos{File: file, Line: lineNo, Column: c + 1})
		}
		cur.text += text
		cur.last = lineNo
		if !cont {
			out = append(out, *cur)
			cur = nil
		} else {
			cur.text += " "
			cur.pos = append(cur.pos, Pos{File: file, Line: lineNo, Column: len(text) + 1})
		}
	}
	if cur != nil {
		out = append(out, *cur)
	}
	return out
}

// apWords splits a logical line into words: blanks separate them, double
// or single quotes group them, a backslash in quotes escapes the quote.
func apWords(l apLine) ([]string, []Pos, error) {
	var words []string
	var pos []Pos
	s := l.text
	for i := 0; i < len(s); {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i >= len(s) {
			break
		}
		start := i
		var b strings.Builder
		if q := s[i]; q == '"' || q == '\'' {
			i++
			for i < len(s) && s[i] != q {
				if s[i] == '\\' && i+1 < len(s) && (s[i+1] == q || s[i+1] == '\\') {
					i++
				}
				b.WriteByte(s[i])
				i++
			}
			if i >= len(s) {
				return nil, nil, fmt.Errorf("%s: unterminated quote", l.pos[start])
			}
			i++
		} else {
			for i < len(s) && s[i] != ' ' && s[i] != '\t' {
				b.WriteByte(s[i])
				i++
			}
		}
		words = append(words, b.String())
		pos = append(pos, l.pos[start])
	}
	return words, pos, nil
}

// parseFile parses one file into directives.
func (p *apParser) parseFile(name, src string) ([]*apDirective, error) {
	if len(src) > maxFileSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, maxFileSize)
	}
	if err := p.r.addSource(name, []byte(src)); err != nil {
		return nil, err
	}
	lines := apLines(name, src)
	i := 0
	ds, closer, err := p.parseBlock(lines, &i, "")
	if err != nil {
		return nil, err
	}
	if closer != nil {
		return nil, fmt.Errorf("%s: </%s> without a matching section", closer.Pos, closer.Name)
	}
	return ds, nil
}

// parseBlock reads directives up to the end of the lines or a closing
// </section>, which it returns.
func (p *apParser) parseBlock(lines []apLine, i *int, section string) ([]*apDirective, *apDirective, error) {
	var out []*apDirective
	for *i < len(lines) {
		l := lines[*i]
		*i++
		words, pos, err := apWords(l)
		if err != nil {
			return nil, nil, err
		}
		if len(words) == 0 {
			continue
		}
		d := &apDirective{Name: words[0], Args: words[1:], ArgPos: pos[1:], Pos: pos[0], LastLine: l.last}
		switch {
		case strings.HasPrefix(d.Name, "</"):
			d.Name = strings.TrimSuffix(strings.TrimPrefix(d.Name, "</"), ">")
			if !strings.EqualFold(d.Name, section) {
				return nil, nil, fmt.Errorf("%s: </%s> closes <%s>", d.Pos, d.Name, section)
			}
			return out, d, nil
		case strings.HasPrefix(d.Name, "<"):
			d.Name, d.Section = strings.TrimPrefix(d.Name, "<"), true
			if n := len(d.Args); n > 0 {
				d.Args[n-1] = strings.TrimSuffix(d.Args[n-1], ">")
				if d.Args[n-1] == "" {
					d.Args, d.ArgPos = d.Args[:n-1], d.ArgPos[:n-1]
				}
			} else {
				d.Name = strings.TrimSuffix(d.Name, ">")
			}
			p.depth++
			if p.depth > maxNesting {
				return nil, nil, fmt.Errorf("%s: sections nested more than %d deep", d.Pos, maxNesting)
			}
			inner, closer, err := p.parseBlock(lines, i, d.Name)
			p.depth--
			if err != nil {
				return nil, nil, err
			}
			if closer == nil {
				return nil, nil, fmt.Errorf("%s: <%s> is not closed", d.Pos, d.Name)
			}
			d.Block, d.Close = inner, closer.Pos
			out = append(out, d)
		case d.is("Include") || d.is("IncludeOptional"):
			inc, err := p.include(d)
			if err != nil {
				return nil, nil, err
			}
			out = append(out, inc...)
		default:
			if d.is("ServerRoot") && len(d.Args) == 1 {
				p.root = d.Args[0]
			}
			out = append(out, d)
		}
	}
	return out, nil, nil
}

// include reads the files an Include names, relative to ServerRoot.
func (p *apParser) include(d *apDirective) ([]*apDirective, error) {
	if len(d.Args) != 1 {
		return nil, fmt.Errorf("%s: %s takes one file or pattern", d.Pos, d.Name)
	}
	if p.depth > maxNesting {
		return nil, fmt.Errorf("%s: includes nested more than %d deep", d.Pos, maxNesting)
	}
	pattern := d.Args[0]
	if !filepath.IsAbs(pattern) {
		pattern = filepath.Join(p.root, pattern)
	}
	names, err := p.opts.glob(pattern)
	if err != nil {
		return nil, fmt.Errorf("%s: %s %s: %w", d.Pos, d.Name, d.Args[0], err)
	}
	var out []*apDirective
	for _, name := range names {
		src, err := p.opts.readFile(name)
		if err != nil {
			if d.is("IncludeOptional") {
				continue
			}
			return nil, fmt.Errorf("%s: %s: %w", d.Pos, d.Name, err)
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
