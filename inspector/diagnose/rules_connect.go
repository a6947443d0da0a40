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
		if loop := redirectLoop(failed); loop != nil {
			f.Title = fmt.Sprintf("%s: the request is redirected in a loop (%s)", l.name(), strings.Join(loop, " → "))
			f.Evidence = append(f.Evidence, fmt.Sprintf("%s: redirected %s before giving up; the hops repeat: %s",
				l.name(), plural(int64(len(failed[0].Redirects)), "time", "times"), strings.Join(loop, " → ")))
			f.Fix = "Break the redirect loop: each hop above sends the client to the next and the last back to an earlier one. " +
				"Look for a trailing-slash rule, an http→https (or https→http) redirect behind a TLS-terminating proxy " +
				"(forward X-Forwarded-Proto), or a login redirect that the stream's request can never satisfy."
		}
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

// redirectLoop returns the hops of a redirect loop, starting with the
// first URL to repeat and ending with its repetition, or nil.
func redirectLoop(conns []inspector.Conn) []string {
	for _, c := range conns {
		hops := append([]string{c.URL}, c.Redirects...)
		first := make(map[string]int)
		for i, h := range hops {
			if j, seen := first[h]; seen {
				return hops[j : i+1]
			}
			first[h] = i
		}
	}
	return nil
}
