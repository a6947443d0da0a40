package proxytap

import (
	"fmt"
	"net/url"

	"github.com/sseinspector/sseinspector/inspector"
)

// upstream is the one server a reverse-mode tap forwards to. Requests are
// rewritten onto it whatever their Host or request target, so the tap can
// never be used to reach anything else.
type upstream struct {
	url *url.URL
}

func parseUpstream(raw string) (*upstream, error) {
	u, err := inspector.CheckHTTPURL("upstream", raw)
	if err != nil {
		return nil, err
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("upstream %q: want scheme, host and optional path only", raw)
	}
	return &upstream{url: u}, nil
}

// String is the upstream's base URL.
func (u *upstream) String() string { return u.url.String() }
