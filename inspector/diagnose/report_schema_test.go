package diagnose_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sseinspector/sseinspector/inspector/diagnose"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

func TestReportJSONCarriesItsSchemaVersion(t *testing.T) {
	s := it.NewSession()
	evs, sent := it.Stream(5, it.Ms(2), it.Ms(50), func(i int) string { return it.Numbered(i, 50) })
	s.Lane("direct").Connect(0, "").Respond(it.Ms(1)).Flowing(evs, sent, it.Ms(1))
	b, err := json.Marshal(diagnose.Analyze(s.Snapshot(), diagnose.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), `{"schemaVersion":1,`) {
		t.Errorf("want the schema version first, got %.80s", b)
	}
	var back struct {
		SchemaVersion int                             `json:"schemaVersion"`
		Lanes         map[string]*diagnose.LaneReport `json:"lanes"`
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.SchemaVersion != diagnose.ReportSchemaVersion || back.Lanes["direct"] == nil || back.Lanes["direct"].Events != 5 {
		t.Errorf("round trip: %+v", back)
	}
}
