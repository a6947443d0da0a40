package inspector

import (
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/net/http/httpguts"
)

// ParseHeader parses one "Name: value" header as typed on a command line
// or in a form. The name must be an HTTP token (no spaces, no colon) and
// the value must hold no line break or NUL, so a header cannot smuggle a
// second one into the request. Spaces around the name and value are
// trimmed; the value may be empty.
func ParseHeader(line string) (name, value string, err error) {
	name, value, ok := strings.Cut(line, ":")
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	switch {
	case !ok:
		return "", "", fmt.Errorf("header %q: want \"Name: value\"", line)
	case name == "":
		return "", "", fmt.Errorf("header %q: no name before the colon", line)
	case !httpguts.ValidHeaderFieldName(name):
		return "", "", fmt.Errorf("header %q: %q is not a valid header name", line, name)
	case !httpguts.ValidHeaderFieldValue(value):
		return "", "", fmt.Errorf("header %q: the value holds a control character", line)
	}
	return name, value, nil
}

// ParseHeaders parses "Name: value" headers, one per element, skipping
// blank ones, into a header map. It stops at the first bad header.
func ParseHeaders(lines []string) (http.Header, error) {
	h := http.Header{}
	for _, line := range lines {
		if strings.TrimSpace(line) == "" {
			continue
		}
		name, value, err := ParseHeader(line)
		if err != nil {
			return nil, err
		}
		h.Add(name, value)
	}
	return h, nil
}

// ParseHeaderLines is ParseHeaders on text holding one header per line,
// as a multi-line form field does.
func ParseHeaderLines(text string) (http.Header, error) {
	return ParseHeaders(strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n"))
}
