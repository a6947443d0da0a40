package diagnose

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Millis is a duration that JSON writes as a number of milliseconds,
// rounded to the microsecond (1500.25 for 1.50025 s): the one unit of the
// report's JSON form, so the analysis types are marshalled as they are,
// without a copy per type to express milliseconds. In Go it is a duration:
// convert with time.Duration(m) or Millis(d).
type Millis time.Duration

// D returns the duration.
func (m Millis) D() time.Duration { return time.Duration(m) }

// Ms returns the duration in milliseconds, rounded to the microsecond.
func (m Millis) Ms() float64 {
	return math.Round(float64(m)/float64(time.Microsecond)) / 1000
}

// String formats the duration as time.Duration does.
func (m Millis) String() string { return time.Duration(m).String() }

// MarshalJSON writes the milliseconds as a number.
func (m Millis) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, m.Ms(), 'f', -1, 64), nil
}

// UnmarshalJSON reads a number of milliseconds.
func (m *Millis) UnmarshalJSON(b []byte) error {
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("milliseconds: %w", err)
	}
	*m = Millis(math.Round(v * float64(time.Millisecond)))
	return nil
}
