package lint

import (
	"fmt"
	"path/filepath"
	"strings"
)

// cdToken is one Caddyfile token.
type cdToken struct {
	Text   string
	Pos    Pos
	Quoted bool
}

// cdNode is one Caddyfile directive (or site, snippet, subdirective):
// the tokens of its line and the block it opens.
type cdNode struct {
	Name     string
	Args     []string
	ArgPos   []Pos
	Pos      Pos
	HasBlock bool
	Block    []*cdNode
	Open     Pos // the "{" ending its line
	Close    Pos // the "}" closing its block
}

// lexCaddyfile splits a Caddyfile into tokens as Caddy's lexer does:
// blanks separate tokens, "#" starts a comment at the start of a token,
// double quotes allow \" escapes, backticks quote raw text, and "{" and
// "}" are structure only as tokens of their own.
func lexCaddyfile(file, src string) ([]cdToken, error) {
	var out []cdToken
	line, col := 1, 1
	i := 0
	adv := func() byte {
		c := src[i]
		i++
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		return c
	}
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			adv()
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				adv()
			}
		case c == '"' || c == '`':
			p := Pos{File: file, Line: line, Column: col}
			q := adv()
			var b strings.Builder
			closed := false
			for i < len(src) {
				d := adv()
				if q == '"' && d == '\\' && i < len(src) && src[i] == '"' {
					b.WriteByte(adv())
					continue
				}
				if d == q {
					closed = true
					break
				}
				b.WriteByte(d)
			}
			if !closed {
				return nil, fmt.Errorf("%s: unterminated quoted string", p)
			}
			out = append(out, cdToken{Text: b.String(), Pos: p, Quoted: true})
		default:
			p := Pos{File: file, Line: line, Column: col}
			var b strings.Builder
			for i < len(src) && !strings.ContainsRune(" \t\r\n", rune(src[i])) {
				if src[i] == '\\' && i+1 < len(src) && src[i+1] != '\n' {
					adv()
				}
				b.WriteByte(adv())
			}
			out = append(out, cdToken{Text: b.String(), Pos: p})
		}
	}
	return out, nil
}

// cdParser builds the node tree, expanding imports of snippets and files.
type cdParser struct {
	r        *Result
	opts     *Options
	base     string
	snippets map[string][]*cdNode
	depth    int
}

// isOpen and isClose tell structural braces from words.
func (t cdToken) isOpen() bool  { return !t.Quoted && t.Text == "{" }
func (t cdToken) isClose() bool { return !t.Quoted && t.Text == "}" }

// parseNodes reads nodes from toks[*i] until the end or a closing brace,
// which it consumes and returns.
func (p *cdParser) parseNodes(toks []cdToken, i *int, depth int) ([]*cdNode, *cdToken, error) {
	if depth > maxNesting {
		return nil, nil, fmt.Errorf("%s: blocks nested more than %d deep", toks[*i].Pos, maxNesting)
	}
	var out []*cdNode
	for *i < len(toks) {
		t := toks[*i]
		if t.isClose() {
			*i++
			return out, &t, nil
		}
		n := &cdNode{Pos: t.Pos}
		if !t.isOpen() {
			n.Name = t.Text
			*i++
		}
		// The rest of the line, up to a "{" ending it.
		for *i < len(toks) && toks[*i].Pos.Line == t.Pos.Line && !toks[*i].isOpen() && !toks[*i].isClose() {
			n.Args = append(n.Args, toks[*i].Text)
			n.ArgPos = append(n.ArgPos, toks[*i].Pos)
			*i++
		}
		if *i < len(toks) && toks[*i].isOpen() && (toks[*i].Pos.Line == t.Pos.Line || n.Name == "") {
			n.HasBlock, n.Open = true, toks[*i].Pos
			*i++
			inner, closer, err := p.parseNodes(toks, i, depth+1)
			if err != nil {
				return nil, nil, err
			}
			if closer == nil {
				return nil, nil, fmt.Errorf("%s: block of %q is not closed", n.Pos, n.Name)
			}
			n.Block, n.Close = inner, closer.Pos
		}
		if n.Name == "import" && len(n.Args) > 0 {
			inc, err := p.importNodes(n)
			if err != nil {
				return nil, nil, err
			}
			out = append(out, inc...)
			continue
		}
		if depth == 0 && strings.HasPrefix(n.Name, "(") && strings.HasSuffix(n.Name, ")") && n.HasBlock {
			p.snippets[strings.Trim(n.Name, "()")] = n.Block
			continue
		}
		out = append(out, n)
	}
	return out, nil, nil
}

// importNodes expands "import NAME": a snippet defined before, or files.
func (p *cdParser) importNodes(n *cdNode) ([]*cdNode, error) {
	if s, ok := p.snippets[n.Args[0]]; ok {
		return s, nil
	}
	if p.depth >= maxNesting {
		return nil, fmt.Errorf("%s: imports nested more than %d deep", n.Pos, maxNesting)
	}
	pattern := n.Args[0]
	if !filepath.IsAbs(pattern) {
		pattern = filepath.Join(p.base, pattern)
	}
	names, err := p.opts.glob(pattern)
	if err != nil {
		return nil, fmt.Errorf("%s: import %s: %w", n.Pos, n.Args[0], err)
	}
	var out []*cdNode
	for _, name := range names {
		src, err := p.opts.readFile(name)
		if err != nil {
			return nil, fmt.Errorf("%s: import: %w", n.Pos, err)
		}
		p.depth++
		ns, err := p.parseFile(name, string(src))
		p.depth--
		if err != nil {
			return nil, err
		}
		out = append(out, ns...)
	}
	return out, nil
}

// parseFile parses one Caddyfile. A file holding a single site without
// braces ("example.com" then its directives) gets them as the site's block.
func (p *cdParser) parseFile(name, src string) ([]*cdNode, error) {
	if len(src) > maxFileSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, maxFileSize)
	}
	if err := p.r.addSource(name, []byte(src)); err != nil {
		return nil, err
	}
	toks, err := lexCaddyfile(name, src)
	if err != nil {
		return nil, err
	}
	i := 0
	nodes, closer, err := p.parseNodes(toks, &i, 0)
	if err != nil {
		return nil, err
	}
	if closer != nil {
		return nil, fmt.Errorf("%s: unexpected \"}\"", closer.Pos)
	}
	return nodes, nil
}
