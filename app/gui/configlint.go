package gui

import (
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/diagnose"
	"github.com/sseinspector/sseinspector/inspector/lint"
)

// lintConfigFile lints the proxied hop's configuration for the proxied
// URL's path; an empty path means no configuration.
func lintConfigFile(path, proxiedURL string) (*lint.Result, error) {
	path = strings.TrimSpace(path)
	if path == "" {
		return nil, nil
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("proxy configuration: %w", err)
	}
	opts := lint.Options{}
	if u, err := url.Parse(strings.TrimSpace(proxiedURL)); err == nil {
		opts.Path = u.Path
	}
	r, err := lint.Lint(path, src, opts)
	if err != nil {
		return nil, fmt.Errorf("proxy configuration: %w", err)
	}
	return r, nil
}

// withConfig ties the lint of the outermost hop's configuration to a
// report, as compare --config does: live findings get the configuration
// lines that explain them as evidence, and the configuration's findings
// follow, downgraded when the run contradicts them. cfg is left as it was,
// so each diagnosis starts from the lint alone. It returns the findings to
// show.
func withConfig(r *diagnose.Report, cfg *lint.Result, lane string) []diagnose.Finding {
	if cfg == nil || r == nil {
		if r == nil {
			return nil
		}
		return r.Findings
	}
	c := *cfg
	c.Findings = slices.Clone(cfg.Findings)
	for i := range c.Findings {
		c.Findings[i].Evidence = slices.Clone(c.Findings[i].Evidence)
	}
	lint.Explain(&c, r, lane)
	findings := slices.Clone(r.Findings)
	for _, f := range c.Findings {
		ev := append([]string{f.Setting, f.Reason}, f.Evidence...)
		findings = append(findings, diagnose.Finding{ID: f.ID, Severity: f.Severity, Confidence: 1,
			Title: fmt.Sprintf("Config %s: %s", f.Pos, f.Title), Evidence: ev, Fix: f.Fix})
	}
	return findings
}

// outerLane names the lane the proxy configuration belongs to: the last
// hop of a chain, else the proxied lane.
func outerLane(snap *inspector.Snapshot, chain []int) string {
	if len(chain) > 0 {
		if l := snap.Lane(chain[len(chain)-1]); l != nil {
			return l.Info.Name
		}
	}
	return "proxied"
}
