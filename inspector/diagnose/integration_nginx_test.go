package diagnose_test

import (
	"testing"

	"github.com/sseinspector/sseinspector/inspector/diagnose"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// The integration check of Example_integrationTest fails a service whose
// proxy is a default nginx, and passes it once buffering is off.
func TestIntegrationCheckThroughNginx(t *testing.T) {
	origin := (&it.Origin{Rate: 40, Size: 200}).Start(t)
	for _, tc := range []struct {
		name     string
		location string
		problems bool
	}{
		{"default buffering", "", true},
		{"buffering off", "proxy_buffering off;", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ngx := it.StartNginx(t, it.NginxConfig{Upstream: origin.URL, Location: tc.location})
			report, err := checkStream(origin.URL+"/events", ngx.URL+"/events", 60)
			if err != nil {
				t.Fatal(err)
			}
			if report.Problems != tc.problems {
				t.Errorf("problems %v, want %v: %+v", report.Problems, tc.problems, report.Findings)
			}
			if tc.problems {
				found := false
				for _, f := range report.Findings {
					found = found || f.ID == "nginx-buffering" && f.Severity >= diagnose.SeverityWarning
				}
				if !found {
					t.Errorf("no nginx-buffering warning: %+v", report.Findings)
				}
			}
		})
	}
}
