package probe

import (
	"strings"
	"testing"
	"time"
)

func TestParseConfig(t *testing.T) {
	cfg, err := ParseConfig(strings.NewReader(`
window: 2m
evaluate: 5s
probes:
  - name: chat
    url: http://127.0.0.1:8080/events
    reference: http://127.0.0.1:9090/events
    headers: {Authorization: "Bearer x"}
    readTimeout: 45s
    stamp: {field: ts, unit: ms}
  - name: feed
    url: https://feed.example/stream
`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Window != 2*time.Minute || cfg.Evaluate != 5*time.Second || cfg.Recycle != DefaultRecycle {
		t.Errorf("durations: %+v", cfg)
	}
	if len(cfg.Probes) != 2 {
		t.Fatalf("probes: %+v", cfg.Probes)
	}
	chat := cfg.Probes[0]
	if chat.Reference == "" || chat.Headers["Authorization"] != "Bearer x" || chat.ReadTimeout != 45*time.Second ||
		chat.Stamp.Field != "ts" || chat.Stamp.Unit != "ms" {
		t.Errorf("chat: %+v", chat)
	}
	if feed := cfg.Probes[1]; feed.MaxConns != DefaultMaxConns || feed.LaneBytes != DefaultLaneBytes {
		t.Errorf("feed defaults: %+v", feed)
	}
}

func TestParseConfigRejects(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"empty", "", "empty"},
		{"no probes", "window: 1m\n", "no probes"},
		{"unknown key", "probes: [{name: a, url: 'http://x/'}]\nwindwo: 1m\n", "windwo"},
		{"bad duration", "window: soon\nprobes: [{name: a, url: 'http://x/'}]\n", "soon"},
		{"negative", "window: -1m\nprobes: [{name: a, url: 'http://x/'}]\n", "negative"},
		{"evaluate past window", "window: 10s\nevaluate: 1m\nprobes: [{name: a, url: 'http://x/'}]\n", "longer than window"},
		{"no name", "probes: [{url: 'http://x/'}]\n", "no name"},
		{"bad scheme", "probes: [{name: a, url: 'ftp://x/'}]\n", "scheme"},
		{"bad reference", "probes: [{name: a, url: 'http://x/', reference: 'x'}]\n", "reference"},
		{"duplicate", "probes: [{name: a, url: 'http://x/'}, {name: a, url: 'http://y/'}]\n", "used twice"},
		{"bad header", "probes: [{name: a, url: 'http://x/', headers: {'A B': c}}]\n", "header name"},
		{"bad stamp", "probes: [{name: a, url: 'http://x/', stamp: {unit: fortnights}}]\n", "stamp"},
		{"not yaml", "probes: [", "yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig(strings.NewReader(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("want an error mentioning %q, got %v", tc.want, err)
			}
		})
	}
}

func TestParseConfigTooLarge(t *testing.T) {
	big := "probes: []\n#" + strings.Repeat("x", 1<<20)
	if _, err := ParseConfig(strings.NewReader(big)); err == nil || !strings.Contains(err.Error(), "1 MiB") {
		t.Errorf("want a size error, got %v", err)
	}
}
