package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/sseinspector/sseinspector/inspector/diagnose"
	"github.com/sseinspector/sseinspector/inspector/lint"
)

// configFlags are compare's flags for the proxied hop's configuration.
type configFlags struct {
	file   string
	format string
}

func (c *configFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.file, "config", "", "lint the proxied hop's configuration `FILE` with the run: config lines explain live findings, and warnings the run contradicts are downgraded")
	fs.StringVar(&c.format, "config-format", "", "`FORMAT` of --config: nginx, haproxy, apache or caddy (default: guessed)")
}

// lint lints the configuration for the proxied URL's path, or returns nil
// without --config.
func (c *configFlags) lint(proxied string) (*lint.Result, error) {
	if c.file == "" {
		return nil, nil
	}
	opts := lint.Options{Format: lint.Format(strings.ToLower(c.format))}
	if u, err := url.Parse(proxied); err == nil && u.Path != "" {
		opts.Path = u.Path
	}
	src, err := os.ReadFile(c.file)
	if err != nil {
		return nil, fmt.Errorf("--config: %w", err)
	}
	r, err := lint.Lint(c.file, src, opts)
	if err != nil {
		return nil, fmt.Errorf("--config: %w", err)
	}
	return r, nil
}

// reportWithConfig is compare's JSON form with --config: the report's
// fields and the configuration's lint under "config".
type reportWithConfig struct {
	*diagnose.Report
	Config *lint.Result `json:"config"`
}

// MarshalJSON writes the report's own JSON form (which has a MarshalJSON
// of its own, so embedding alone would drop "config") with "config" added
// as its last member.
func (r reportWithConfig) MarshalJSON() ([]byte, error) {
	rep, err := json.Marshal(r.Report)
	if err != nil {
		return nil, err
	}
	cfg, err := json.Marshal(r.Config)
	if err != nil {
		return nil, err
	}
	rep = bytes.TrimRight(rep, " \n")
	if len(rep) < 2 || rep[len(rep)-1] != '}' {
		return nil, fmt.Errorf("report JSON is not an object")
	}
	out := append(rep[:len(rep)-1:len(rep)-1], `,"config":`...)
	out = append(out, cfg...)
	return append(out, '}'), nil
}

// printReportWithConfig ties the lint to the run of the named lane (the
// hop the configuration belongs to) and prints both. The
// exit code counts the configuration's warnings that the run left
// standing.
func printReportWithConfig(env *Env, rep *diagnose.Report, cfg *lint.Result, lane string, asJSON bool) int {
	lint.Explain(cfg, rep, lane)
	if asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(reportWithConfig{Report: rep, Config: cfg}); err != nil {
			fmt.Fprintf(env.Stderr, "sseinspector: write report: %v\n", err)
			return ExitFailure
		}
	} else {
		if err := rep.WriteText(env.Stdout); err != nil {
			fmt.Fprintf(env.Stderr, "sseinspector: write report: %v\n", err)
			return ExitFailure
		}
		fmt.Fprintf(env.Stdout, "\nConfiguration %s\n", cfg.Files[0])
		if err := cfg.WriteText(env.Stdout); err != nil {
			fmt.Fprintf(env.Stderr, "sseinspector: write report: %v\n", err)
			return ExitFailure
		}
	}
	if rep.Problems || cfg.Problems {
		return ExitFindings
	}
	return ExitOK
}
