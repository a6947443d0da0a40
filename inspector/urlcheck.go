package inspector

import (
	"fmt"
	"net/url"
)

// CheckURL parses a stream URL and checks that a subscription can use it:
// absolute, http or https, with a host. It is the one URL check of the
// command line, the window's forms and the tap's upstream
// (CheckHTTPURL).
func CheckURL(raw string) (*url.URL, error) { return CheckHTTPURL("stream URL", raw) }

// CheckHTTPURL parses an absolute http or https URL with a host; what
// names the URL in the error ("stream URL", "upstream").
func CheckHTTPURL(what, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%s %q: the scheme must be http or https", what, raw)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("%s %q: no host", what, raw)
	}
	return u, nil
}
