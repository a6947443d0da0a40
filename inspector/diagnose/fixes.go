package diagnose

import "time"

// RuleFix returns the fix the diagnosis gives for the rule with this ID
// when the fix does not depend on what was measured, and "" otherwise.
// The configuration linter quotes it so a line it points at and a finding
// of a live run read the same. For idle-timeout it is the fix for an
// unknown timeout.
func RuleFix(id string) string {
	switch id {
	case "nginx-buffering":
		return nginxBufferingFix
	case "proxy-buffering":
		return proxyBufferingFix
	case "proxy-compression":
		return proxyCompressionFix
	case "app-compression":
		return appCompressionFix
	case "idle-timeout":
		return heartbeatFix(0)
	}
	return ""
}

// HeartbeatFix returns the fix for silences that an idle timeout of the
// given length cuts (0 when unknown).
func HeartbeatFix(timeout time.Duration) string { return heartbeatFix(timeout) }

// RuleCause returns the one-line cause of the rule with this ID, or "".
func RuleCause(id string) string {
	for _, r := range rules {
		if r.ID == id {
			return r.Cause
		}
	}
	return ""
}
