package lint

import (
	"fmt"
	"slices"

	"github.com/sseinspector/sseinspector/inspector/diagnose"
)

// liveRules maps a configuration rule to the rules of the live diagnosis
// that show the same cause from outside.
var liveRules = map[string][]string{
	"nginx-buffering":   {"nginx-buffering", "proxy-buffering", "buffering"},
	"proxy-buffering":   {"proxy-buffering", "nginx-buffering", "buffering"},
	"proxy-compression": {"proxy-compression", "compression"},
	"idle-timeout":      {"idle-timeout", "truncated-chunked"},
	"fixed-lifetime":    {"fixed-lifetime"},
	"cached-stream":     {"cached-stream"},
	"unframed-body":     {"unframed-body"},
}

// maxOnTimeDelay is the p50 delay against the direct lane under which a
// proxied stream counts as arriving on time.
const maxOnTimeDelay = 50.0 // ms

// Explain ties the lint of a proxy's configuration to a live comparison
// through that proxy, whose proxied lane is named lane:
//
//   - a live finding that a configuration line explains gets the line as
//     evidence ("config: sites-enabled/app:14:5 location /events has no
//     proxy_buffering off and inherits proxy_http_version 1.0 (default)");
//   - a configuration warning about buffering or compression that the run
//     contradicts (events on time, no Content-Encoding) is downgraded to
//     info, with what the run showed; other warnings stay, as the run may
//     not have lasted long enough to show them.
//
// Only the live findings about that lane are tied to the configuration: in
// a chain, another hop's finding is another proxy's doing.
//
// It updates both and recomputes r.Problems.
func Explain(r *Result, rep *diagnose.Report, lane string) {
	lr := rep.Lanes[lane]
	about := func(live diagnose.Finding) bool {
		return lr == nil || len(live.Lanes) == 0 || slices.Contains(live.Lanes, lr.ID)
	}
	for i := range rep.Findings {
		live := &rep.Findings[i]
		if !about(*live) {
			continue
		}
		for _, f := range r.Findings {
			if slices.Contains(liveRules[f.ID], live.ID) {
				live.Evidence = append(live.Evidence, fmt.Sprintf("config: %s %s", f.Pos, f.Setting))
			}
		}
	}
	if lr == nil || lr.Matching == nil || lr.Matching.Matched == 0 {
		return
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		shown := slices.ContainsFunc(rep.Findings, func(live diagnose.Finding) bool {
			return about(live) && slices.Contains(liveRules[f.ID], live.ID)
		})
		if shown {
			f.Evidence = append(f.Evidence, "the live run shows it too")
			continue
		}
		if f.Severity < diagnose.SeverityWarning {
			continue
		}
		if e := contradiction(f.ID, rep, lane); e != "" {
			f.Severity = diagnose.SeverityInfo
			f.Evidence = append(f.Evidence, "downgraded: the live run contradicts it: "+e)
		}
	}
	r.Problems = slices.ContainsFunc(r.Findings, func(f Finding) bool { return f.Severity >= diagnose.SeverityWarning })
}

// contradiction returns what in the run shows a configuration warning
// did not happen, or "" when the run cannot tell.
func contradiction(id string, rep *diagnose.Report, lane string) string {
	lr := rep.Lanes[lane]
	switch id {
	case "nginx-buffering", "proxy-buffering":
		d := rep.Delay[lane]
		if d == nil || d.Count == 0 {
			return ""
		}
		ref, ok := d.Sources[diagnose.DelayReference]
		if !ok || ref.Count == 0 || ref.P50.Ms() > maxOnTimeDelay {
			return ""
		}
		return fmt.Sprintf("%d events through the proxy arrived %.1f ms (p50) after the direct lane's, with no buffering signature "+
			"(the application may send X-Accel-Buffering: no, or chunk its reply)", ref.Count, ref.P50.Ms())
	case "proxy-compression":
		if enc := lr.Headers.Get("Content-Encoding"); enc != "" {
			return ""
		}
		return fmt.Sprintf("the proxied responses carried no Content-Encoding (%d events received); "+
			"the compressor may skip small or flushed responses, but a larger first event would be compressed", lr.Events)
	}
	return ""
}
