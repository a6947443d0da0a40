package diagnose

import "encoding/json"

// ReportSchemaVersion is the version of the Report's JSON form, written
// in it as "schemaVersion". It changes only when a field is removed,
// renamed or changes meaning; new fields may appear within a version, so
// readers should ignore fields they do not know.
const ReportSchemaVersion = 1

// MarshalJSON writes the report's JSON form with its schema version first.
func (r *Report) MarshalJSON() ([]byte, error) {
	type plain Report // without this method
	return json.Marshal(struct {
		SchemaVersion int `json:"schemaVersion"`
		*plain
	}{ReportSchemaVersion, (*plain)(r)})
}
