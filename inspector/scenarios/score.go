package scenarios

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/sseinspector/sseinspector/inspector/diagnose"
)

// Outcome is the judged verdict of one variant.
type Outcome struct {
	Scenario string
	Broken   bool
	// Expected is the rule the broken variant must trigger ("" when fixed).
	Expected string
	// Got lists the findings of warning severity or worse, most severe
	// first, plus the expected one at any severity.
	Got []string
	// Cause: the broken variant named the expected cause (at its
	// severity); Fix: its fix says what the scenario's fix does; First:
	// it was the most severe finding (no other cause blamed before it);
	// Clean: the fixed variant has no finding of warning severity or worse.
	Cause, Fix, First, Clean bool
}

// Judge scores a variant's report against the scenario's expectation.
func Judge(sc *Scenario, broken bool, r *diagnose.Report) Outcome {
	o := Outcome{Scenario: sc.Name, Broken: broken}
	if broken {
		o.Expected = sc.Expect.ID
	}
	for i, f := range r.Findings {
		if f.Severity >= diagnose.SeverityWarning || f.ID == o.Expected {
			o.Got = append(o.Got, fmt.Sprintf("%s(%s)", f.ID, f.Severity))
		}
		if !broken || f.ID != sc.Expect.ID || f.Severity < sc.Expect.Severity || o.Cause {
			continue
		}
		if !strings.Contains(f.Title, sc.Expect.TitleHas) {
			continue
		}
		o.Cause = true
		o.Fix = strings.Contains(f.Fix, sc.Expect.FixHas)
		o.First = i == 0 || r.Findings[0].Severity < diagnose.SeverityWarning || r.Findings[0].ID == f.ID
	}
	o.Clean = !r.Problems
	return o
}

// Passed reports whether the variant gave the verdict it must.
func (o Outcome) Passed() bool {
	if o.Broken {
		return o.Cause && o.Fix && o.First
	}
	return o.Clean
}

// Score is the precision and recall of a set of outcomes.
type Score struct {
	Broken, Named, FixRight, Blamed int // broken variants; cause named; fix right; another cause blamed first
	Fixed, FalseAlarms              int // fixed variants; those with a warning or worse
}

// Tally sums outcomes.
func Tally(outs []Outcome) Score {
	var s Score
	for _, o := range outs {
		if !o.Broken {
			s.Fixed++
			if !o.Clean {
				s.FalseAlarms++
			}
			continue
		}
		s.Broken++
		if o.Cause {
			s.Named++
			if o.Fix {
				s.FixRight++
			}
			if !o.First {
				s.Blamed++
			}
		}
	}
	return s
}

// Precision is the share of verdicts that named a right cause: the causes
// named on broken variants against those plus every warning on a fixed
// variant and every other cause blamed first.
func (s Score) Precision() float64 {
	return ratio(s.Named-s.Blamed, s.Named+s.FalseAlarms)
}

// Recall is the share of broken variants whose cause was named.
func (s Score) Recall() float64 { return ratio(s.Named, s.Broken) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// WriteTable prints one line per outcome and the totals.
func WriteTable(w io.Writer, outs []Outcome) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\tvariant\texpected\tcause\tfix\tclean\tfindings (warning+)")
	mark := func(b bool) string {
		if b {
			return "yes"
		}
		return "NO"
	}
	for _, o := range outs {
		variant, cause, fix, clean := "fixed", "-", "-", mark(o.Clean)
		if o.Broken {
			variant, cause, fix, clean = "broken", mark(o.Cause && o.First), mark(o.Fix), "-"
		}
		got := strings.Join(o.Got, " ")
		if got == "" {
			got = "none"
		}
		exp := o.Expected
		if exp == "" {
			exp = "no warning"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", o.Scenario, variant, exp, cause, fix, clean, got)
	}
	s := Tally(outs)
	fmt.Fprintf(tw, "\nbroken variants: %d, cause named: %d, fix right: %d, another cause blamed first: %d\n",
		s.Broken, s.Named, s.FixRight, s.Blamed)
	fmt.Fprintf(tw, "fixed variants: %d, with a warning or worse: %d\n", s.Fixed, s.FalseAlarms)
	fmt.Fprintf(tw, "precision %.2f, recall %.2f\n", s.Precision(), s.Recall())
	return tw.Flush()
}
