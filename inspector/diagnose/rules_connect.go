package diagnose

import (
	"fmt"
	"strings"

	"github.com/sseinspector/sseinspector/inspector"
)

// Rules about streams that never got a response at all.

func checkConnectFailed(d *diag) []Finding {
	var out []Finding
	for _, l := range d.sseLanes() {
		var failed []inspector.Conn
		responded := false
		for _, c := range l.snap.Conns {
			switch {
			case c.Status != 0:
				responded = true
			case c.Cause == inspector.CauseConnect || c.Cause == inspector.CauseUpstreamError:
				failed = append(failed, c)
			}
		}
		if len(failed) == 0 {
			continue
		}
		f := Finding{ID: "connect-failed", Severity: SeverityError, Confidence: 1, Lanes: []int{l.id()},
			Title: fmt.Sprintf("%s: %s never got a response", l.name(), plural(int64(len(failed)), "connection attempt", "connection attempts")),
			Fix: "Check that the URL's host and port are right and that the server (or the proxy's upstream) is running " +
				"and reachable from here; for https, that its certificate is valid for the host name."}
		if responded {
			f.Severity = SeverityWarning
			f.Title = fmt.Sprintf("%s: %s of its reconnections never got a response", l.name(), plural(int64(len(failed)), "attempt", "attempts"))
		}
		errs := make(map[string]bool)
		for _, c := range failed {
			msg := strings.TrimSpace(c.Err)
			if msg == "" {
				msg = string(c.Cause)
			}
			if !errs[msg] && len(errs) < 3 {
				errs[msg] = true
				f.Evidence = append(f.Evidence, fmt.Sprintf("%s: connection %d at %s: %s", l.name(), c.Index+1, fmtDur(c.Start), msg))
			}
		}
		out = append(out, f)
	}
	return out
}
