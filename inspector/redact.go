package inspector

import (
	"net/http"
	"strings"
)

// Redacted replaces the value of a credential.
const Redacted = "[redacted]"

// RedactHeader returns a copy of h with the values of credentials replaced,
// the one policy used wherever headers leave the process or are shown: the
// tap's recording, saved session files and the desktop window.
// Authorization and Proxy-Authorization keep their scheme ("Bearer
// [redacted]"), Cookie keeps its cookie names, Set-Cookie its cookie name
// and its attributes (Path, Max-Age…), so a reader still sees what kind of
// credential travelled without the credential itself. A nil header stays
// nil.
func RedactHeader(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	out := h.Clone()
	for name, vs := range out {
		switch http.CanonicalHeaderKey(name) {
		case "Authorization", "Proxy-Authorization":
			for i, v := range vs {
				if scheme, _, found := strings.Cut(strings.TrimSpace(v), " "); found {
					vs[i] = scheme + " " + Redacted
				} else {
					vs[i] = Redacted
				}
			}
		case "Cookie":
			for i, v := range vs {
				vs[i] = redactPairs(v, -1)
			}
		case "Set-Cookie":
			for i, v := range vs {
				vs[i] = redactPairs(v, 1)
			}
		}
	}
	return out
}

// redactPairs redacts the values of the first n "name=value" pairs of a
// ";"-separated list (all when n < 0), keeping the names and any later
// pairs (Set-Cookie attributes).
func redactPairs(v string, n int) string {
	parts := strings.Split(v, ";")
	for i, p := range parts {
		if n >= 0 && i >= n {
			break
		}
		if name, _, found := strings.Cut(p, "="); found {
			parts[i] = name + "=" + Redacted
		} else {
			parts[i] = Redacted
		}
	}
	return strings.Join(parts, ";")
}
