package sse

import "bytes"

// DecodeBlock parses one complete raw event block, as found in Item.Raw,
// and returns the type and data it dispatches; ok is false when it
// dispatches nothing. Parsing stops at the first blank line. A block
// without one is taken to be truncated: its end counts as the end of its
// last line and as the dispatching blank line.
//
// For every ItemEvent, DecodeBlock(Raw) yields the item's Type and Data.
// For a truncated item only Data is guaranteed to match: the lines that set
// the type, or the data lines that made the block dispatch, may lie beyond
// the kept bytes.
func DecodeBlock(raw []byte) (typ, data string, ok bool) {
	var buf []byte
	for len(raw) > 0 {
		var ln []byte
		if end := bytes.IndexAny(raw, "\r\n"); end < 0 {
			ln, raw = raw, nil
		} else {
			ln = raw[:end]
			if raw[end] == '\r' && end+1 < len(raw) && raw[end+1] == '\n' {
				raw = raw[end+2:]
			} else {
				raw = raw[end+1:]
			}
		}
		if len(ln) == 0 {
			break
		}
		switch f, value := splitLine(ln); f {
		case fieldData:
			ok = true
			buf = appendText(buf, value)
			buf = append(buf, '\n')
		case fieldEvent:
			typ = string(appendText(nil, value))
		}
	}
	if !ok {
		return "", "", false
	}
	if typ == "" {
		typ = "message"
	}
	return typ, string(buf[:len(buf)-1]), true
}
