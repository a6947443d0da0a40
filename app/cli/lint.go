package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sseinspector/sseinspector/inspector/lint"
)

// lintOutput is the JSON form of a lint run.
type lintOutput struct {
	Configs  []lintConfig `json:"configs"`
	Problems bool         `json:"problems"`
}

type lintConfig struct {
	*lint.Result
	Patch string `json:"patch,omitempty"`
}

// runLint lints each configuration named and prints the findings, the
// patch (--patch) or both as JSON (--json). Exit codes: 0 clean, 3 when a
// finding is a warning, 1 when a file cannot be read or parsed, 2 on bad
// usage.
func runLint(ctx context.Context, env *Env, fs *flag.FlagSet, args []string) int {
	path := fs.String("path", "", "URL `PATH` of the stream, e.g. /events: check only the places that serve it (default: every place that proxies, those that look like streams first)")
	format := fs.String("format", "", "configuration `FORMAT`: nginx, haproxy, apache or caddy (default: guessed from the name and text)")
	patch := fs.Bool("patch", false, "print the fixes as a unified diff for patch -p0 (or git apply -p0) instead of the findings")
	asJSON := fs.Bool("json", false, "print the findings, the places checked and the patch as one JSON object")
	var vf verifyFlags
	fs.BoolVar(&vf.on, "verify", false, "prove the patch on the real nginx: run the stream place's settings on loopback as configured and patched, and compare the stream through each with the origin")
	fs.StringVar(&vf.upstream, "upstream", "", "with --verify, the origin's stream `URL` (default: the built-in origin's "+builtinStream+")")
	fs.DurationVar(&vf.duration, "verify-duration", 4*time.Second, "with --verify, how long each comparison records (`DURATION`)")
	fs.StringVar(&vf.server, "server", "", "with --verify, the nginx `PROGRAM` to run (default: nginx on PATH, else /usr/sbin/nginx)")
	files, done, code := ParseFlags(env, fs, args)
	if done {
		return code
	}
	if len(files) == 0 {
		return UsageError(env, fs, "want one or more configuration files (or - for nginx -T output)")
	}
	if vf.on && (*asJSON || *patch) {
		return UsageError(env, fs, "--verify prints its runs as text: leave out --json and --patch")
	}
	if *path != "" && !strings.HasPrefix(*path, "/") {
		return UsageError(env, fs, "--path %q: want a URL path starting with /", *path)
	}
	opts := lint.Options{Format: lint.Format(strings.ToLower(*format)), Path: *path}
	out := lintOutput{Configs: []lintConfig{}}
	for _, name := range files {
		r, err := lintOne(name, opts)
		if err != nil {
			fmt.Fprintf(env.Stderr, "sseinspector lint: %v\n", err)
			return ExitFailure
		}
		out.Configs = append(out.Configs, lintConfig{Result: r, Patch: r.Patch()})
		out.Problems = out.Problems || r.Problems
	}
	if err := writeLint(env, out, *asJSON, *patch); err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector lint: %v\n", err)
		return ExitFailure
	}
	if vf.on {
		return verifyAll(ctx, env, out, vf)
	}
	if out.Problems {
		return ExitFindings
	}
	return ExitOK
}

// verifyAll proves the patch of each configuration that has one; the exit
// code is 3 when a patched run still has a warning.
func verifyAll(ctx context.Context, env *Env, out lintOutput, vf verifyFlags) int {
	if vf.duration <= 0 {
		fmt.Fprintln(env.Stderr, "sseinspector lint: --verify-duration must be positive")
		return ExitUsage
	}
	code := ExitOK
	for _, c := range out.Configs {
		if c.Patch == "" {
			fmt.Fprintf(env.Stdout, "%s: nothing to verify: no finding comes with a patch\n", strings.Join(c.Files, ", "))
			continue
		}
		got, err := verify(ctx, env, c.Result, vf)
		if err != nil {
			fmt.Fprintf(env.Stderr, "sseinspector lint: %v\n", err)
			return ExitFailure
		}
		code = max(code, got)
	}
	return code
}

// lintOne reads and lints one file, or standard input for "-".
func lintOne(name string, opts lint.Options) (*lint.Result, error) {
	var src []byte
	var err error
	if name == "-" {
		src, err = io.ReadAll(io.LimitReader(os.Stdin, 64<<20))
		name = "stdin"
		if opts.Format == "" {
			opts.Format = lint.Nginx
		}
	} else {
		src, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return lint.Lint(name, src, opts)
}

func writeLint(env *Env, out lintOutput, asJSON, patch bool) error {
	if asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	for _, c := range out.Configs {
		if patch {
			if _, err := io.WriteString(env.Stdout, c.Patch); err != nil {
				return err
			}
			continue
		}
		if err := c.WriteText(env.Stdout); err != nil {
			return err
		}
	}
	return nil
}
