package diagnose

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/sseinspector/sseinspector/inspector"
)

// WriteText renders the report for a terminal: the figures first, so that
// a clean result still shows what was measured, then the findings with
// their evidence and fixes, or "No problems found."
func (r *Report) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	r.writeLanes(ew)
	r.writeHops(ew)
	r.writeDelays(ew)
	r.writeBursts(ew)
	r.writeDisconnects(ew)
	r.writeFindings(ew)
	return ew.err
}

// errWriter keeps the first write error so the renderer can stay linear.
type errWriter struct {
	w   io.Writer
	err error
}

// Write passes p on until a write fails, then swallows the rest.
func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return len(p), nil
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, nil
}

func (r *Report) ordered() []*LaneReport {
	out := make([]*LaneReport, 0, len(r.LaneOrder))
	for _, k := range r.LaneOrder {
		out = append(out, r.Lanes[k])
	}
	return out
}

func key(r *Report, l *LaneReport) string {
	for k, v := range r.Lanes {
		if v == l {
			return k
		}
	}
	return l.Name
}

// msText formats a time that may never have happened (nil).
func msText(v *Millis) string {
	if v == nil {
		return "never"
	}
	return fmtDur(*v)
}

func (r *Report) writeLanes(w io.Writer) {
	fmt.Fprintln(w, "Lanes")
	for _, l := range r.ordered() {
		k := key(r, l)
		status := "no response"
		if l.Status != 0 {
			status = fmt.Sprintf("%d %s", l.Status, l.Proto)
		}
		role := ""
		if l.Role != RoleAlone && k != string(l.Role) {
			role = " (" + string(l.Role) + ")"
		}
		fmt.Fprintf(w, "  %s%s: %s  %s\n", k, role, status, l.URL)
		fmt.Fprintf(w, "    %s, %s, %s; headers after %s, first event after %s; %.1f events/s\n",
			plural(int64(l.Connections), "connection", "connections"), plural(l.Events, "event", "events"),
			inspector.FormatBytes(l.Bytes), msText(l.TimeToHeaders), msText(l.TimeToFirstEvent), l.EventsPerSecond)
		if m := l.Matching; m != nil {
			fmt.Fprintf(w, "    against %s, matched by %s: %d matched, %d lost, %d extra", r.Reference, m.Method, m.Matched, m.Lost-m.Pending, m.Extra)
			if m.Pending > 0 {
				fmt.Fprintf(w, "; %d not arrived yet when the recording ended", m.Pending)
			}
			fmt.Fprintln(w)
		}
		if l.NotCompared != "" {
			fmt.Fprintf(w, "    not compared with %s: %s\n", r.Reference, l.NotCompared)
		}
	}
	fmt.Fprintln(w)
}

func (r *Report) writeDelays(w io.Writer) {
	fmt.Fprintln(w, "Delay per event")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	any := false
	for _, l := range r.ordered() {
		k := key(r, l)
		ld := r.Delay[k]
		if ld == nil {
			continue
		}
		for _, src := range []DelaySource{DelayStamp, DelayReference, DelayTap} {
			s, ok := ld.Sources[src]
			if !ok {
				continue
			}
			any = true
			fmt.Fprintf(tw, "  %s\t%s\tp50 %s\tp95 %s\tmax %s\t(%s)\n", k, delaySourceText(src, r.Reference),
				fmtDur(s.P50), fmtDur(s.P95), fmtDur(s.Max), plural(int64(s.Count), "event", "events"))
			k = ""
		}
	}
	tw.Flush()
	if !any {
		fmt.Fprintln(w, "  not measured: no send stamps in the data, no reference lane, no tap")
	}
	fmt.Fprintln(w)
}

func delaySourceText(src DelaySource, ref string) string {
	switch src {
	case DelayStamp:
		return "sent → received"
	case DelayReference:
		return "vs " + ref
	case DelayTap:
		return "tap read → browser"
	}
	return string(src)
}

func (r *Report) writeBursts(w io.Writer) {
	fmt.Fprintln(w, "Bursts")
	for _, l := range r.ordered() {
		if l.Kind == inspector.LaneRequest {
			continue // no body recorded: nothing to say about reads
		}
		b := l.Bursts
		if l.Events == 0 {
			fmt.Fprintf(w, "  %s: %s, no event completed\n", key(r, l), plural(int64(b.Reads), "read", "reads"))
			continue
		}
		line := fmt.Sprintf("%s; %d of %d reads ended inside an event",
			plural(int64(b.Reads), "read", "reads"), b.SplitReads, b.InnerReads)
		if b.Bursts > 0 {
			line += fmt.Sprintf("; %s completed several events (%d events), up to %d in one read at %s",
				plural(int64(b.Bursts), "read", "reads"), b.BurstEvents, b.MaxEvents, fmtDur(b.MaxAt))
		} else if b.EventReads > 0 {
			line += "; one event per read"
		}
		if b.StepSize > 0 {
			line += fmt.Sprintf("; steps of %d B (%d reads)", b.StepSize, b.StepReads)
		}
		fmt.Fprintf(w, "  %s: %s\n", key(r, l), line)
	}
	fmt.Fprintln(w)
}

func (r *Report) writeDisconnects(w io.Writer) {
	fmt.Fprintln(w, "Disconnects")
	any := false
	for _, l := range r.ordered() {
		if l.Kind == inspector.LaneRequest {
			continue // a plain request's end says nothing about a stream
		}
		for _, d := range l.Disconnects {
			any = true
			line := fmt.Sprintf("connection %d closed by the %s (%s) at %s: %s after the last byte, %s after the request",
				d.Conn+1, d.By, d.Cause, fmtDur(d.End), fmtDur(d.Idle), fmtDur(d.Lifetime))
			if d.Err != "" {
				line += "; " + d.Err
			}
			if d.Reconnected {
				line += fmt.Sprintf("; reconnected %s later", fmtDur(d.ReconnectDelay))
				if d.LastEventIDSent != "" {
					line += fmt.Sprintf(" with Last-Event-ID %q: %d duplicated, %d skipped",
						d.LastEventIDSent, d.Duplicated, d.Skipped)
				} else {
					line += " without Last-Event-ID"
				}
			}
			fmt.Fprintf(w, "  %s: %s\n", key(r, l), line)
		}
	}
	if !any {
		fmt.Fprintln(w, "  none")
	}
	fmt.Fprintln(w)
}

func (r *Report) writeFindings(w io.Writer) {
	var notes []Finding
	if !r.Problems {
		fmt.Fprintln(w, "No problems found.")
		notes = r.Findings
		if len(notes) == 0 {
			return
		}
		fmt.Fprintln(w, "\nNotes")
	} else {
		fmt.Fprintln(w, "Findings")
		notes = r.Findings
	}
	for i, f := range notes {
		if i > 0 {
			fmt.Fprintln(w)
		}
		writeFinding(w, f)
	}
}

func writeFinding(w io.Writer, f Finding) {
	fmt.Fprintf(w, "  [%s] %s: %s (confidence %.0f%%)\n", f.Severity, f.ID, f.Title, f.Confidence*100)
	if len(f.Evidence) > 0 {
		fmt.Fprintln(w, "    Evidence:")
		for _, e := range f.Evidence {
			fmt.Fprintf(w, "      - %s\n", e)
		}
	}
	if f.Fix != "" {
		fmt.Fprintln(w, "    Fix:")
		for _, line := range strings.Split(f.Fix, "\n") {
			fmt.Fprintf(w, "      %s\n", line)
		}
	}
}
