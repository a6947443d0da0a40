package probe

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/diagnose"
)

// Defaults of a Config's zero fields.
const (
	DefaultWindow    = 5 * time.Minute
	DefaultEvaluate  = 15 * time.Second
	DefaultRecycle   = time.Hour
	DefaultMaxConns  = 64
	DefaultLaneBytes = 4 << 20
)

// Config is a probe file: the streams to watch and how the findings are
// windowed. The zero value of every field but Probes means its default.
//
//	window: 5m        # a finding's gauge stays 1 this long after it was last seen
//	evaluate: 15s     # how often delays and findings are measured
//	probes:
//	  - name: chat
//	    url: https://chat.example.com/events
//	    reference: http://10.0.0.5:8080/events   # the same stream, bypassing the proxy
//	    headers: {Authorization: "Bearer ..."}
//	    stamp: {field: sent, unit: ms}
type Config struct {
	// Window is how long a finding's gauge stays 1 after an evaluation
	// last named it, and the age after which a stream's recording is
	// restarted at its next reconnection.
	Window time.Duration `yaml:"window"`
	// Evaluate is how often the recordings are analysed.
	Evaluate time.Duration `yaml:"evaluate"`
	// Recycle is the age at which a recording is restarted even though its
	// streams never reconnected, so that old findings cannot outlive it;
	// the probe then reconnects them itself. 0 means DefaultRecycle.
	Recycle time.Duration `yaml:"recycle"`
	// Probes are the streams to watch; names are unique.
	Probes []Target `yaml:"probes"`
}

// Target is one probed stream, optionally paired with a reference URL.
type Target struct {
	// Name labels the stream's metrics (the probe label).
	Name string `yaml:"name"`
	// URL is the stream as clients reach it, usually through proxies.
	URL string `yaml:"url"`
	// Reference is the same stream reached directly; when set, each event's
	// delay is also measured against its arrival there (source "reference").
	Reference string `yaml:"reference"`
	// Method, Headers and Body shape the requests, as on the command line.
	Method  string            `yaml:"method"`
	Headers map[string]string `yaml:"headers"`
	Body    string            `yaml:"body"`
	// LastEventID is sent on the very first connection; after that the
	// stream's own ids decide it.
	LastEventID string `yaml:"lastEventId"`
	// ReadTimeout reconnects when no byte arrived for that long; 0 never.
	ReadTimeout time.Duration `yaml:"readTimeout"`
	// Retry is the initial reconnection time until the stream's retry
	// field changes it; 0 means inspector.DefaultRetry.
	Retry time.Duration `yaml:"retry"`
	// Stamp says where events carry their send time (source "stamp"); the
	// zero value reads the built-in origin's "sent" field.
	Stamp StampConfig `yaml:"stamp"`
	// MaxConns bounds the connections a recording holds before it is
	// restarted at a reconnection; 0 means DefaultMaxConns.
	MaxConns int `yaml:"maxConns"`
	// LaneBytes caps the memory of each stream's recording, oldest events
	// dropped first; 0 means DefaultLaneBytes.
	LaneBytes int64 `yaml:"laneBytes"`
}

// StampConfig is diagnose.StampSpec in a configuration file.
type StampConfig struct {
	Field string `yaml:"field"`
	Unit  string `yaml:"unit"`
	Regex string `yaml:"regex"`
}

func (s StampConfig) spec() diagnose.StampSpec {
	return diagnose.StampSpec{Field: s.Field, Unit: s.Unit, Regex: s.Regex}
}

// LoadConfig reads and checks a probe file.
func LoadConfig(path string) (Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return Config{}, fmt.Errorf("probe config: %w", err)
	}
	defer f.Close()
	cfg, err := ParseConfig(f)
	if err != nil {
		return Config{}, fmt.Errorf("probe config %s: %w", path, err)
	}
	return cfg, nil
}

// ParseConfig reads a probe file from r, rejecting unknown keys, and checks it.
func ParseConfig(r io.Reader) (Config, error) {
	var cfg Config
	b, err := io.ReadAll(io.LimitReader(r, 1<<20+1))
	if err != nil {
		return cfg, err
	}
	if len(b) > 1<<20 {
		return cfg, errors.New("larger than 1 MiB")
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		if errors.Is(err, io.EOF) {
			return cfg, errors.New("empty: want a probes list")
		}
		return cfg, err
	}
	return cfg, cfg.Check()
}

// Check validates the configuration and fills in the defaults.
func (c *Config) Check() error {
	if c.Window < 0 || c.Evaluate < 0 || c.Recycle < 0 {
		return errors.New("window, evaluate and recycle must not be negative")
	}
	if c.Window == 0 {
		c.Window = DefaultWindow
	}
	if c.Evaluate == 0 {
		c.Evaluate = DefaultEvaluate
	}
	if c.Recycle == 0 {
		c.Recycle = DefaultRecycle
	}
	if c.Evaluate > c.Window {
		return fmt.Errorf("evaluate (%v) is longer than window (%v): a finding could not hold between two evaluations", c.Evaluate, c.Window)
	}
	if len(c.Probes) == 0 {
		return errors.New("no probes: want at least one {name, url}")
	}
	seen := map[string]bool{}
	for i := range c.Probes {
		t := &c.Probes[i]
		if err := t.check(); err != nil {
			return fmt.Errorf("probes[%d] %q: %w", i, t.Name, err)
		}
		if seen[t.Name] {
			return fmt.Errorf("probes[%d]: name %q used twice", i, t.Name)
		}
		seen[t.Name] = true
	}
	return nil
}

func (t *Target) check() error {
	if strings.TrimSpace(t.Name) == "" {
		return errors.New("no name")
	}
	if _, err := inspector.CheckURL(t.URL); err != nil {
		return fmt.Errorf("url: %w", err)
	}
	if t.Reference != "" {
		if _, err := inspector.CheckURL(t.Reference); err != nil {
			return fmt.Errorf("reference: %w", err)
		}
	}
	for name := range t.Headers {
		if name == "" || strings.ContainsAny(name, " \t:") {
			return fmt.Errorf("header name %q", name)
		}
	}
	if t.ReadTimeout < 0 || t.Retry < 0 || t.MaxConns < 0 || t.LaneBytes < 0 {
		return errors.New("readTimeout, retry, maxConns and laneBytes must not be negative")
	}
	if err := t.Stamp.spec().Validate(); err != nil {
		return fmt.Errorf("stamp: %w", err)
	}
	if t.MaxConns == 0 {
		t.MaxConns = DefaultMaxConns
	}
	if t.LaneBytes == 0 {
		t.LaneBytes = DefaultLaneBytes
	}
	return nil
}

// request is the subscription request for one of the target's URLs.
func (t *Target) request(url, name, lastEventID string) inspector.Request {
	h := http.Header{}
	for k, v := range t.Headers {
		h.Set(k, v)
	}
	req := inspector.Request{URL: url, Method: t.Method, Header: h, LastEventID: lastEventID,
		ReadTimeout: t.ReadTimeout, Retry: t.Retry, Name: name}
	if t.Body != "" {
		req.Body = []byte(t.Body)
	}
	return req
}
