package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/sseinspector/sseinspector/app/cmdline"
	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/sse"
	"github.com/sseinspector/sseinspector/proxytap"
)

func runTap(ctx context.Context, env *Env, fs *flag.FlagSet, args []string) int {
	listen := fs.String("listen", proxytap.DefaultListen, "address to listen on; loopback only unless --allow-remote")
	upstream := fs.String("upstream", "", "reverse proxy: send every request to this URL (http://host:port); without it, a forward proxy for the browser")
	caDir := fs.String("ca-dir", "", "directory of the HTTPS interception CA (default: sseinspector/ in the user configuration directory)")
	exclude := fs.String("exclude", "", "comma-separated hosts (and their subdomains) to tunnel without interception or recording")
	jsonOut := fs.Bool("json", false, "print one JSON object per line: open, event, comment, retry, close, error, request")
	var save cmdline.SaveFlags
	save.Register(fs)
	allowRemote := fs.Bool("allow-remote", false, "allow --listen on a non-loopback address (anyone who reaches it can use the proxy)")
	rest, done, code := ParseFlags(env, fs, args)
	if done {
		return code
	}
	if len(rest) > 0 {
		return UsageError(env, fs, "unexpected argument %q", rest[0])
	}
	if !*allowRemote && !proxytap.IsLoopback(*listen) {
		return UsageError(env, fs, "--listen %s is not a loopback address; add --allow-remote to accept other machines", *listen)
	}

	sess := inspector.NewSession(inspector.Limits{})
	pr := newTapPrinter(env.Stdout, *jsonOut)
	defer pr.close()
	tap, err := proxytap.New(proxytap.Config{
		Upstream:    *upstream,
		Recorder:    sess,
		CADir:       *caDir,
		Exclude:     splitList(*exclude),
		KeepSecrets: save.KeepSecrets,
		AllowRemote: *allowRemote,
		Hooks:       pr.hooks(),
	})
	if err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector tap: %v\n", err)
		return ExitFailure
	}
	addr, err := tap.Start(*listen)
	if err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector tap: %v\n", err)
		return ExitFailure
	}
	if !proxytap.IsLoopback(*listen) {
		fmt.Fprintf(env.Stderr, "warning: listening on %s: any machine that can reach it can use this proxy", addr)
		if *upstream == "" {
			fmt.Fprint(env.Stderr, " and have its HTTPS decrypted")
		}
		fmt.Fprintln(env.Stderr)
	}
	if tap.Reverse() {
		fmt.Fprintf(env.Stderr, "tap: http://%s -> %s (reverse proxy); point the browser at http://%s/\n", addr, *upstream, addr)
	} else {
		fmt.Fprintf(env.Stderr, "tap: forward proxy on %s; set it as the browser's HTTP and HTTPS proxy.\n%s", addr, tap.CA().TrustInstructions(addr.String()))
	}
	fmt.Fprintln(env.Stderr, "Press Ctrl-C to stop.")

	<-ctx.Done()
	closeErr := tap.Close()
	pr.close()
	if closeErr != nil {
		fmt.Fprintf(env.Stderr, "sseinspector tap: %v\n", closeErr)
	}
	if save.Output != "" {
		snap := sess.Snapshot()
		if err := save.Save(snap); err != nil {
			fmt.Fprintf(env.Stderr, "sseinspector tap: %v\n", err)
			return ExitFailure
		}
		fmt.Fprintf(env.Stderr, "tap: saved %d lanes to %s\n", len(snap.Lanes), save.Output)
	}
	return ExitOK
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// tapRecord is one line of `tap --json`. Times are RFC 3339 with
// nanoseconds; "t" is when the thing happened at the tap (for events, when
// the read completing it arrived from the upstream).
type tapRecord struct {
	Kind        string `json:"kind"`
	T           string `json:"t"`
	Lane        int    `json:"lane"`
	Conn        *int   `json:"conn,omitempty"`
	Method      string `json:"method,omitempty"`
	URL         string `json:"url,omitempty"`
	Status      int    `json:"status,omitempty"`
	Proto       string `json:"proto,omitempty"`
	LastEventID string `json:"lastEventId,omitempty"`
	Client      string `json:"client,omitempty"`
	// Events.
	Seq       *int64  `json:"seq,omitempty"`
	Type      string  `json:"type,omitempty"`
	Data      *string `json:"data,omitempty"`
	ID        *string `json:"id,omitempty"`
	Size      int64   `json:"size,omitempty"`
	Delivered string  `json:"delivered,omitempty"` // when the write to the browser returned
	// Comments and retry fields.
	Text    string `json:"text,omitempty"`
	RetryMS int64  `json:"retry,omitempty"`
	// Ends.
	Cause    string  `json:"cause,omitempty"`
	Peer     string  `json:"peer,omitempty"`
	Err      string  `json:"err,omitempty"`
	Events   int64   `json:"events,omitempty"`
	Bytes    int64   `json:"bytes,omitempty"`
	Duration float64 `json:"ms,omitempty"`
}

func (p *tapPrinter) record(r *tapRecord, when time.Time, text string) {
	p.emit(p.format(r, when, text))
}

// format is the output line of a record: JSON with --json, else the time
// and the text.
func (p *tapPrinter) format(r *tapRecord, when time.Time, text string) string {
	if !p.json {
		return when.Format("15:04:05.000") + " " + text + "\n"
	}
	b, err := json.Marshal(r)
	if err != nil {
		return ""
	}
	return string(b) + "\n"
}

func wall(lane *inspector.Lane, at time.Duration) time.Time { return lane.Session().Start().Add(at) }

func stamp(lane *inspector.Lane, at time.Duration) string {
	return wall(lane, at).Format(time.RFC3339Nano)
}

// conn is the lane's i-th connection record, copied alone: a tapped
// stream reconnecting many times costs the same per connection.
func conn(lane *inspector.Lane, i int) inspector.Conn { return lane.Conn(i) }

func (p *tapPrinter) hooks() proxytap.Hooks {
	return proxytap.Hooks{
		Open: func(lane *inspector.Lane, i int) {
			c := conn(lane, i)
			r := &tapRecord{Kind: "open", T: stamp(lane, c.HeadersAt), Lane: lane.ID(), Conn: &i, Method: c.Method, URL: c.URL,
				Status: c.Status, Proto: c.Proto, LastEventID: c.LastEventID, Client: lane.Info().Client}
			text := fmt.Sprintf("lane %d open %s %s -> %d %s", r.Lane, c.Method, c.URL, c.Status, c.Proto)
			if c.LastEventID != "" {
				text += " (Last-Event-ID " + c.LastEventID + ")"
			}
			p.record(r, wall(lane, c.HeadersAt), text)
		},
		Item: func(lane *inspector.Lane, i int, seq int64, it *sse.Item, arrival, delivered time.Duration) {
			switch it.Kind {
			case sse.ItemEvent, sse.ItemComment, sse.ItemRetry:
			default:
				return
			}
			// Only copied here: the line is formatted on the printer's
			// goroutine, away from the stream's.
			p.queueItem(&tapItem{lane: lane, conn: i, seq: seq, kind: it.Kind, typ: it.Type, data: string(it.Data),
				id: it.ID, size: it.Size, retry: it.Retry, arrival: arrival, delivered: delivered})
		},
		Close: func(lane *inspector.Lane, i int) {
			c := conn(lane, i)
			r := &tapRecord{Kind: "close", T: stamp(lane, c.End), Lane: lane.ID(), Conn: &i, Cause: string(c.Cause),
				Peer: string(c.Peer), Err: c.Err, Events: c.Events, Bytes: c.WireBytes}
			text := fmt.Sprintf("lane %d close %s (browser side: %s), %d events, %d bytes", r.Lane, c.Cause, c.Peer, c.Events, c.WireBytes)
			if c.Cause == inspector.CauseUpstreamError {
				r.Kind, r.Method, r.URL = "error", c.Method, c.URL
				text = fmt.Sprintf("lane %d error %s %s: %s", r.Lane, c.Method, c.URL, c.Err)
			} else if c.Err != "" {
				text += ": " + c.Err
			}
			p.record(r, wall(lane, c.End), text)
		},
		Request: func(lane *inspector.Lane, i int) {
			c := conn(lane, i)
			r := &tapRecord{Kind: "request", T: stamp(lane, c.Start), Lane: lane.ID(), Conn: &i, Method: c.Method, URL: c.URL,
				Status: c.Status, Proto: c.Proto, Cause: string(c.Cause), Err: c.Err, Client: lane.Info().Client,
				Duration: float64(c.End-c.Start) / float64(time.Millisecond)}
			text := fmt.Sprintf("request %s %s -> %d in %.1f ms", c.Method, c.URL, c.Status, r.Duration)
			if c.Err != "" {
				text += ": " + c.Err
			}
			p.record(r, wall(lane, c.Start), text)
		},
	}
}

// tapItem is an event, comment or retry field as the hook saw it, to be
// formatted by the printer.
type tapItem struct {
	lane               *inspector.Lane
	conn               int
	seq                int64
	kind               sse.ItemKind
	typ, data, id      string
	size               int64
	retry              time.Duration
	arrival, delivered time.Duration
}

// record is the item's output record and text line.
func (it *tapItem) record() (*tapRecord, time.Time, string) {
	lane := it.lane
	r := &tapRecord{T: stamp(lane, it.arrival), Lane: lane.ID(), Conn: &it.conn}
	var text string
	switch it.kind {
	case sse.ItemEvent:
		r.Kind, r.Seq, r.Type, r.Data, r.ID, r.Size = "event", &it.seq, it.typ, &it.data, &it.id, it.size
		if it.delivered > 0 {
			r.Delivered = stamp(lane, it.delivered)
		}
		text = fmt.Sprintf("lane %d event #%d %s id=%q %d B: %s", r.Lane, it.seq, it.typ, it.id, it.size, abbreviate(it.data, 80))
	case sse.ItemComment:
		r.Kind, r.Text = "comment", it.data
		text = fmt.Sprintf("lane %d comment: %s", r.Lane, abbreviate(r.Text, 80))
	default: // sse.ItemRetry
		r.Kind, r.RetryMS = "retry", it.retry.Milliseconds()
		text = fmt.Sprintf("lane %d retry: %v", r.Lane, it.retry)
	}
	return r, wall(lane, it.arrival), text
}

func abbreviate(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", `\n`)
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
