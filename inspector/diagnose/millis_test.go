package diagnose_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"
)

func TestMillisJSON(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		json string
	}{
		{1500250 * time.Microsecond, "1500.25"},
		{1234567 * time.Nanosecond, "1.235"},
		{0, "0"},
		{-2 * time.Millisecond, "-2"},
	} {
		b, err := json.Marshal(diagnose.Millis(tc.d))
		if err != nil || string(b) != tc.json {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tc.d, b, err, tc.json)
		}
		var back diagnose.Millis
		if err := json.Unmarshal(b, &back); err != nil || back.D() != tc.d.Round(time.Microsecond) {
			t.Errorf("Unmarshal(%s) = %v, %v", b, back, err)
		}
	}
	var m diagnose.Millis
	if err := json.Unmarshal([]byte(`"5s"`), &m); err == nil || !strings.Contains(err.Error(), "milliseconds") {
		t.Errorf("a string was accepted as milliseconds: %v", err)
	}
}

// TestReportJSONInMilliseconds checks that the analysis types marshalled
// in the report write their times as milliseconds under "…Ms" keys.
func TestReportJSONInMilliseconds(t *testing.T) {
	r := diagnose.Analyze(nginxSession().Snapshot(), diagnose.Options{})
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		DurationMs float64 `json:"durationMs"`
		Lanes      map[string]struct {
			Bursts struct {
				MaxAtMs   *float64 `json:"maxAtMs"`
				Staircase []struct {
					TMs *float64 `json:"tMs"`
				} `json:"staircase"`
				Conns any `json:"conns"`
			} `json:"bursts"`
		} `json:"lanes"`
		Delay map[string]struct {
			P50Ms   *float64 `json:"p50Ms"`
			Sources map[string]struct {
				MinMs *float64 `json:"minMs"`
			} `json:"sources"`
		} `json:"delay"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if want := r.Duration.Ms(); got.DurationMs != want || want < 1000 {
		t.Errorf("durationMs %v, want %v (over a second)", got.DurationMs, want)
	}
	p := got.Lanes["proxied"].Bursts
	if p.MaxAtMs == nil || *p.MaxAtMs < 100 || len(p.Staircase) == 0 || p.Staircase[0].TMs == nil || p.Conns != nil {
		t.Errorf("proxied bursts in JSON: %s", b)
	}
	d, ok := got.Delay["proxied"]
	if !ok || d.P50Ms == nil || *d.P50Ms < 100 || len(d.Sources) == 0 {
		t.Errorf("proxied delay in JSON: %s", b)
	}
}
