package probe

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/prometheus/client_golang/prometheus"
)

// metricNames lists the names of the probe's own metrics, series or not.
func (p *Probe) metricNames() map[string]bool {
	names := map[string]bool{}
	fqName := regexp.MustCompile(`fqName: "([^"]+)"`)
	for _, c := range p.metrics.own() {
		ch := make(chan *prometheus.Desc, 4)
		go func() { c.Describe(ch); close(ch) }()
		for d := range ch {
			if m := fqName.FindStringSubmatch(d.String()); m != nil {
				names[m[1]] = true
			}
		}
	}
	return names
}

// scraped is one scrape of a probe's /metrics, parsed as Prometheus would.
type scraped map[string]*dto.MetricFamily

// scrape fetches and parses the metrics in the text format.
func scrape(t *testing.T, h http.Handler) scraped {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", rec.Code, rec.Body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return fams
}

// find returns the series of family name whose labels include want.
func (s scraped) find(name string, want map[string]string) *dto.Metric {
	fam := s[name]
	if fam == nil {
		return nil
	}
next:
	for _, m := range fam.Metric {
		for k, v := range want {
			found := false
			for _, l := range m.Label {
				if l.GetName() == k && l.GetValue() == v {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		return m
	}
	return nil
}

// value is a counter's or gauge's value, -1 when the series is absent.
func (s scraped) value(name string, labels map[string]string) float64 {
	m := s.find(name, labels)
	switch {
	case m == nil:
		return -1
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	}
	return -1
}

// histogram returns a histogram series, or nil.
func (s scraped) histogram(name string, labels map[string]string) *dto.Histogram {
	if m := s.find(name, labels); m != nil {
		return m.Histogram
	}
	return nil
}
