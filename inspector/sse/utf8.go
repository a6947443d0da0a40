package sse

import "unicode/utf8"

// replacementChar is U+FFFD in UTF-8, what a browser shows for bytes that
// are not valid UTF-8.
const replacementChar = "\uFFFD"

// appendText appends src to dst decoded the way the WHATWG Encoding
// Standard's UTF-8 decoder does it, re-encoded as UTF-8. src must be
// complete: an unfinished sequence at its end is replaced, so callers only
// pass whole lines (a line terminator can never be part of a sequence).
func appendText(dst, src []byte) []byte {
	// Nearly every real stream is valid UTF-8; the standard library's check
	// is far faster than walking sequences one by one.
	if utf8.Valid(src) {
		return append(dst, src...)
	}
	return appendReplacing(dst, src)
}

// appendReplacing is the slow path of appendText. It follows the
// "maximal subpart" practice the WHATWG decoder implies: the longest prefix
// of a well-formed sequence becomes one U+FFFD, and the byte that broke the
// sequence is examined again on its own. utf8.DecodeRune differs: it
// reports each bad byte separately, so E2 82 41 would give two U+FFFD
// where a browser shows one.
func appendReplacing(dst, src []byte) []byte {
	for i := 0; i < len(src); {
		c := src[i]
		if c < utf8.RuneSelf {
			j := i + 1
			for j < len(src) && src[j] < utf8.RuneSelf {
				j++
			}
			dst = append(dst, src[i:j]...)
			i = j
			continue
		}
		size, lo, hi := leadByte(c)
		if size == 0 {
			dst = append(dst, replacementChar...)
			i++
			continue
		}
		// k counts the bytes of the sequence accepted so far. Only the first
		// continuation byte has a narrowed range; that narrowing is what
		// rules out overlong forms, surrogates and code points past U+10FFFF.
		k := 1
		for k < size && i+k < len(src) {
			b := src[i+k]
			if b < lo || b > hi {
				break
			}
			lo, hi = 0x80, 0xBF
			k++
		}
		if k == size {
			dst = append(dst, src[i:i+size]...)
		} else {
			dst = append(dst, replacementChar...)
		}
		i += k
	}
	return dst
}

// leadByte returns the length of the sequence that c starts and the range
// allowed for its first continuation byte; size is 0 when c cannot start a
// sequence.
func leadByte(c byte) (size int, lo, hi byte) {
	switch {
	case c >= 0xC2 && c <= 0xDF:
		return 2, 0x80, 0xBF
	case c == 0xE0:
		return 3, 0xA0, 0xBF
	case c == 0xED:
		return 3, 0x80, 0x9F
	case c >= 0xE1 && c <= 0xEF:
		return 3, 0x80, 0xBF
	case c == 0xF0:
		return 4, 0x90, 0xBF
	case c >= 0xF1 && c <= 0xF3:
		return 4, 0x80, 0xBF
	case c == 0xF4:
		return 4, 0x80, 0x8F
	}
	return 0, 0, 0
}
