package lint

import "strings"

// line returns line n (1-based) of a file read, without its newline.
func (r *Result) line(file string, n int) string {
	src := string(r.sources[file])
	for i := 1; i < n; i++ {
		j := strings.IndexByte(src, '\n')
		if j < 0 {
			return ""
		}
		src = src[j+1:]
	}
	if j := strings.IndexByte(src, '\n'); j >= 0 {
		src = src[:j]
	}
	return strings.TrimSuffix(src, "\r")
}

// indentOf returns the leading white space of a line.
func indentOf(s string) string {
	return s[:len(s)-len(strings.TrimLeft(s, " \t"))]
}

// replaceSpan returns the edit replacing, on one line, the text from
// column from up to and including column to with text.
func (r *Result) replaceSpan(file string, lineNo, from, to int, text string) Edit {
	l := r.line(file, lineNo)
	from, to = max(1, min(from, len(l)+1)), max(0, min(to, len(l)))
	return Edit{File: file, Line: lineNo, Replace: 1, Text: []string{l[:from-1] + text + l[to:]}}
}

// replaceLine returns the edit replacing a whole line, keeping its
// indentation.
func (r *Result) replaceLine(file string, lineNo int, text string) Edit {
	return Edit{File: file, Line: lineNo, Replace: 1, Text: []string{indentOf(r.line(file, lineNo)) + text}}
}

// insertAfter returns the edit inserting lines after line lineNo, indented
// as indent.
func insertAfter(file string, lineNo int, indent string, lines ...string) Edit {
	text := make([]string, len(lines))
	for i, l := range lines {
		text[i] = indent + l
	}
	return Edit{File: file, Line: lineNo + 1, Text: text}
}
