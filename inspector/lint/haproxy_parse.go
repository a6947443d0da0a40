package lint

import (
	"fmt"
	"strings"
)

// hapLine is one HAProxy keyword line: its words, unquoted, with the
// position of each.
type hapLine struct {
	Words []string
	Pos   []Pos
}

// Has reports whether the line starts with the given words.
func (l *hapLine) Has(words ...string) bool {
	if len(l.Words) < len(words) {
		return false
	}
	for i, w := range words {
		if !strings.EqualFold(l.Words[i], w) {
			return false
		}
	}
	return true
}

// hapSection is a section: global, defaults, frontend, backend, listen, ...
type hapSection struct {
	Kind  string // "defaults", "frontend", ...
	Name  string
	From  string // the defaults section named by "from", if any
	Pos   Pos
	Lines []*hapLine
	// Defaults is the defaults section a proxy inherits from.
	Defaults *hapSection
}

// find returns the last line of the section starting with words.
func (s *hapSection) find(words ...string) *hapLine {
	if s == nil {
		return nil
	}
	for i := len(s.Lines) - 1; i >= 0; i-- {
		if s.Lines[i].Has(words...) {
			return s.Lines[i]
		}
	}
	return nil
}

// hapSections are the keywords that start a section.
var hapSections = map[string]bool{"global": true, "defaults": true, "frontend": true, "backend": true,
	"listen": true, "peers": true, "resolvers": true, "userlist": true, "cache": true, "program": true,
	"http-errors": true, "ring": true, "mailers": true, "log-forward": true, "crt-store": true, "traces": true}

// parseHAProxy splits a configuration into sections of keyword lines.
// Words are separated by blanks; "#" starts a comment outside quotes;
// double quotes allow escapes and single quotes none, as in HAProxy 2.x.
func parseHAProxy(file, src string) ([]*hapSection, error) {
	if len(src) > maxFileSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", file, maxFileSize)
	}
	var out []*hapSection
	var cur *hapSection
	var lastDefaults *hapSection
	named := map[string]*hapSection{}
	for n, text := range strings.Split(src, "\n") {
		line, err := splitHAProxyLine(file, n+1, strings.TrimSuffix(text, "\r"))
		if err != nil {
			return nil, err
		}
		if len(line.Words) == 0 {
			continue
		}
		kw := strings.ToLower(line.Words[0])
		if hapSections[kw] {
			cur = &hapSection{Kind: kw, Pos: line.Pos[0]}
			if len(line.Words) > 1 {
				cur.Name = line.Words[1]
			}
			for i := 1; i+1 < len(line.Words); i++ {
				if strings.EqualFold(line.Words[i], "from") {
					cur.From = line.Words[i+1]
				}
			}
			switch kw {
			case "defaults":
				cur.Defaults = lastDefaults
				if cur.From != "" {
					cur.Defaults = named[cur.From]
				}
				lastDefaults = cur
				if cur.Name != "" {
					named[cur.Name] = cur
				}
			case "frontend", "backend", "listen":
				cur.Defaults = lastDefaults
				if cur.From != "" {
					cur.Defaults = named[cur.From]
				}
			}
			out = append(out, cur)
			continue
		}
		if cur == nil {
			return nil, fmt.Errorf("%s: %q outside any section", line.Pos[0], line.Words[0])
		}
		cur.Lines = append(cur.Lines, line)
	}
	return out, nil
}

// splitHAProxyLine splits one line into words.
func splitHAProxyLine(file string, lineNo int, s string) (*hapLine, error) {
	l := &hapLine{}
	var b strings.Builder
	inWord := false
	var quote byte
	start := 0
	end := func() {
		if inWord {
			l.Words = append(l.Words, b.String())
			l.Pos = append(l.Pos, Pos{File: file, Line: lineNo, Column: start + 1})
			b.Reset()
			inWord = false
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote == '\'':
			if c == '\'' {
				quote = 0
			} else {
				b.WriteByte(c)
			}
		case quote == '"':
			switch {
			case c == '"':
				quote = 0
			case c == '\\' && i+1 < len(s):
				i++
				b.WriteByte(s[i])
			default:
				b.WriteByte(c)
			}
		case c == ' ' || c == '\t':
			end()
		case c == '#':
			end()
			return l, nil
		default:
			if !inWord {
				inWord, start = true, i
			}
			switch {
			case c == '"' || c == '\'':
				quote = c
			case c == '\\' && i+1 < len(s):
				i++
				b.WriteByte(s[i])
			default:
				b.WriteByte(c)
			}
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("%s:%d: unterminated quote", file, lineNo)
	}
	end()
	return l, nil
}
