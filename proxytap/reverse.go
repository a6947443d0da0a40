package proxytap

import (
	"fmt"
	"net/url"
)

// upstream is the one server a reverse-mode tap forwards to. Requests are
// rewritten onto it whatever their Host or request target, so the tap can
// never be used to reach anything else.
type upstream struct {
	url *url.URL
}

func parseUpstream(raw string) (*upstream, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("upstream %q: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("upstream %q: want an http:// or https:// URL", raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("upstream %q: no host", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("upstream %q: want scheme, host and optional path only", raw)
	}
	return &upstream{url: u}, nil
}

// String is the upstream's base URL.
func (u *upstream) String() string { return u.url.String() }
