package cmdline

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// HeaderList is a repeatable "Name: value" flag, checked as it is given.
type HeaderList []string

// String lists the headers given so far.
func (h *HeaderList) String() string { return strings.Join(*h, ", ") }

// Set checks and appends one header.
func (h *HeaderList) Set(v string) error {
	if _, _, err := inspector.ParseHeader(v); err != nil {
		return err
	}
	*h = append(*h, v)
	return nil
}

// RequestFlags are the flags that describe the HTTP request a
// subscription sends, on every command that subscribes to streams (watch,
// compare) and in the desktop window's command line. Its zero value is
// usable: a plain GET with the default reconnection time.
type RequestFlags struct {
	Headers     HeaderList    // -H, --header: repeatable "Name: value"
	Method      string        // -X, --request: empty means GET, or POST with a body
	Data        string        // -d, --data: the body; "@FILE" reads it from a file
	LastEventID string        // --last-event-id: sent on the first connection
	ReadTimeout time.Duration // --read-timeout: reconnect after this long without a byte (0: never)
	Retry       time.Duration // --retry: initial reconnection time (0: inspector.DefaultRetry)
	NoReconnect bool          // --no-reconnect: end a stream when its connection ends
}

// Register defines the request flags on fs.
func (r *RequestFlags) Register(fs *flag.FlagSet) {
	Var(fs, &r.Headers, "header", "request header `NAME: VALUE` (repeatable)")
	StringVar(fs, &r.Method, "request", "", "request `METHOD` (default GET, or POST with --data)")
	StringVar(fs, &r.Data, "data", "", "request `BODY`, sent on every (re)connection; @FILE reads it from a file")
	fs.StringVar(&r.LastEventID, "last-event-id", "", "`ID` to send as Last-Event-ID on the first connection")
	fs.DurationVar(&r.ReadTimeout, "read-timeout", 0, "reconnect when no byte arrives for `DURATION` (0: never, as a browser)")
	fs.DurationVar(&r.Retry, "retry", inspector.DefaultRetry, "initial reconnection time `DURATION`, until the stream's retry: field changes it")
	fs.BoolVar(&r.NoReconnect, "no-reconnect", false, "end a stream when its connection ends instead of reconnecting")
}

// Request builds the request the flags describe, without its URL: the
// caller sets URL and Name for each stream. It reads an @FILE body once.
func (r *RequestFlags) Request() (inspector.Request, error) {
	if r.ReadTimeout < 0 || r.Retry < 0 {
		return inspector.Request{}, errors.New("--read-timeout and --retry must not be negative")
	}
	header, err := inspector.ParseHeaders(r.Headers)
	if err != nil {
		return inspector.Request{}, fmt.Errorf("--header: %w", err)
	}
	req := inspector.Request{
		Method:      r.Method,
		Header:      header,
		LastEventID: r.LastEventID,
		ReadTimeout: r.ReadTimeout,
		Retry:       r.Retry,
		NoReconnect: r.NoReconnect,
	}
	if file, ok := strings.CutPrefix(r.Data, "@"); ok {
		if req.Body, err = os.ReadFile(file); err != nil {
			return inspector.Request{}, fmt.Errorf("--data: %w", err)
		}
	} else if r.Data != "" {
		req.Body = []byte(r.Data)
	}
	return req, nil
}

// Requests builds one request per URL, each checked with
// inspector.CheckURL, sharing the flags' method, headers and body.
func (r *RequestFlags) Requests(urls []string) ([]inspector.Request, error) {
	base, err := r.Request()
	if err != nil {
		return nil, err
	}
	reqs := make([]inspector.Request, 0, len(urls))
	for _, u := range urls {
		if _, err := inspector.CheckURL(u); err != nil {
			return nil, err
		}
		req := base
		req.URL = u
		reqs = append(reqs, req)
	}
	return reqs, nil
}
