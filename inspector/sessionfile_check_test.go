package inspector

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// TestLoadRefusesImpossibleValues corrupts one field of one record of a
// saved session at a time and checks that loading refuses it, naming the
// line, instead of loading a value no recording can have.
func TestLoadRefusesImpossibleValues(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteSession(&buf, sampleSession(t).Snapshot(), SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(buf.String(), "\n")
	cases := []struct{ rec, field, value string }{
		{"conn", "start", "-5"},
		{"conn", "start", "9223372036854775807"},
		{"conn", "status", "-200"},
		{"conn", "status", "70000"},
		{"conn", "wireBytes", "-1"},
		{"conn", "events", "-9223372036854775808"},
		{"read", "t", "-1"},
		{"read", "n", "-4"},
		{"event", "t", "9223372036854775807"},
		{"event", "size", "-1"},
		{"event", "offset", "-3"},
		{"retry", "retry", "-1000000"},
		{"comment", "t", "-1"},
		{"lane", "droppedEvents", "-2"},
	}
	for _, tc := range cases {
		t.Run(tc.rec+"."+tc.field+"="+tc.value, func(t *testing.T) {
			field := regexp.MustCompile(`"` + tc.field + `":-?[0-9]+`)
			out := append([]string(nil), lines...)
			at := -1
			for i, l := range out {
				if strings.Contains(l, `"rec":"`+tc.rec+`"`) {
					if !field.MatchString(l) {
						// The field is omitted when zero: add it.
						l = strings.Replace(l, `"rec":"`+tc.rec+`"`, `"rec":"`+tc.rec+`","`+tc.field+`":0`, 1)
					}
					out[i] = field.ReplaceAllString(l, `"`+tc.field+`":`+tc.value)
					at = i + 1
					break
				}
			}
			if at < 0 {
				t.Fatalf("no %s record in the sample", tc.rec)
			}
			_, err := ReadSession(strings.NewReader(strings.Join(out, "\n")), LoadOptions{})
			if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("line %d:", at)) || !strings.Contains(err.Error(), tc.field) {
				t.Errorf("load error %v, want one naming line %d and %s", err, at, tc.field)
			}
		})
	}
}
