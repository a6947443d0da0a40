// Package scenarios runs the diagnosis against real proxies (nginx,
// HAProxy, Apache, Caddy) in front of origins that behave like the real
// application stacks, each scenario in a broken and a fixed variant with
// the verdict it must produce, and scores the verdicts: whether the right
// cause was named, whether its fix is the right one, and whether a fixed
// variant stayed free of warnings. The scenario table lives in
// matrix.go; the runner in run.go; the score in score.go.
package scenarios
