package diagnose

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sseinspector/sseinspector/inspector"
)

// StampSpec says where an event's data carries the time the server sent
// it. The zero value reads the built-in origin's stamps: a JSON object whose
// "sent" field holds Unix nanoseconds.
type StampSpec struct {
	// Field is the JSON field holding the send time; a dotted path reaches
	// into nested objects ("meta.sent").
	Field string
	// Regex, used when Field is empty, finds the send time in the raw data:
	// its first capture group, or the whole match when it has none.
	Regex string
	// Unit is the unit of a numeric send time since the Unix epoch: "s",
	// "ms", "us" or "ns". Empty guesses it from the magnitude, which is
	// unambiguous for present-day times. Strings in RFC 3339 form need no unit.
	Unit string
}

// builtinStampField is the field the built-in origin stamps its events with.
const builtinStampField = "sent"

// stamper extracts send times according to a StampSpec.
type stamper struct {
	path  []string
	quick []byte // the last path element, quoted: data without it has no stamp
	re    *regexp.Regexp
	unit  time.Duration // 0: guess
}

func (s StampSpec) compile() (*stamper, error) {
	st := &stamper{}
	switch strings.ToLower(strings.TrimSpace(s.Unit)) {
	case "":
	case "s", "sec", "seconds":
		st.unit = time.Second
	case "ms", "millis", "milliseconds":
		st.unit = time.Millisecond
	case "us", "µs", "micros", "microseconds":
		st.unit = time.Microsecond
	case "ns", "nanos", "nanoseconds":
		st.unit = time.Nanosecond
	default:
		return nil, fmt.Errorf("stamp unit %q: want s, ms, us or ns", s.Unit)
	}
	switch {
	case s.Field != "" && s.Regex != "":
		return nil, fmt.Errorf("stamp: give a field or a regex, not both")
	case s.Regex != "":
		re, err := regexp.Compile(s.Regex)
		if err != nil {
			return nil, fmt.Errorf("stamp regex: %w", err)
		}
		st.re = re
	default:
		field := s.Field
		if field == "" {
			field = builtinStampField
			if st.unit == 0 {
				st.unit = time.Nanosecond
			}
		}
		st.path = strings.Split(field, ".")
		st.quick = []byte(strconv.Quote(st.path[len(st.path)-1]))
	}
	return st, nil
}

// Validate reports whether the spec is usable (a known unit, a valid regex).
func (s StampSpec) Validate() error {
	_, err := s.compile()
	return err
}

// SendTime extracts the send time from one event's data.
func (s StampSpec) SendTime(data string) (time.Time, bool, error) {
	st, err := s.compile()
	if err != nil {
		return time.Time{}, false, err
	}
	t, ok := st.sendTime(data)
	return t, ok, nil
}

func (st *stamper) sendTime(data string) (time.Time, bool) {
	if st.re != nil {
		m := st.re.FindStringSubmatch(data)
		if m == nil {
			return time.Time{}, false
		}
		v := m[0]
		if len(m) > 1 {
			v = m[1]
		}
		return st.parseValue(strings.TrimSpace(v))
	}
	b := []byte(strings.TrimSpace(data))
	if len(b) == 0 || b[0] != '{' || !bytes.Contains(b, st.quick) {
		return time.Time{}, false
	}
	raw, ok := jsonLookup(b, st.path)
	if !ok {
		return time.Time{}, false
	}
	if raw[0] == '"' {
		var str string
		if json.Unmarshal(raw, &str) != nil {
			return time.Time{}, false
		}
		return st.parseValue(str)
	}
	return st.parseValue(string(raw))
}

// jsonLookup returns the raw value at a path of object keys in a JSON
// document. It scans instead of decoding, since it runs for every event of
// a lane and only one field matters; a malformed document yields false.
func jsonLookup(b []byte, path []string) ([]byte, bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, false
	}
	i++
	for {
		i = skipSpace(b, i)
		if i >= len(b) || b[i] != '"' {
			return nil, false
		}
		end := skipString(b, i)
		if end < 0 {
			return nil, false
		}
		key := b[i+1 : end-1]
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return nil, false
		}
		i = skipSpace(b, i+1)
		vend := skipValue(b, i)
		if vend < 0 {
			return nil, false
		}
		if string(key) == path[0] {
			if len(path) == 1 {
				return b[i:vend], true
			}
			return jsonLookup(b[i:vend], path[1:])
		}
		i = skipSpace(b, vend)
		if i >= len(b) || b[i] != ',' {
			return nil, false
		}
		i++
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i], or -1.
func skipString(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// skipValue returns the index after the value starting at b[i], or -1.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end := skipString(b, j)
				if end < 0 {
					return -1
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	default:
		j := i
		for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\n' && b[j] != '\r' && b[j] != '\t' {
			j++
		}
		if j == i {
			return -1
		}
		return j
	}
}

// parseValue reads a send time: a number in the stamper's unit or a
// timestamp in RFC 3339 form.
func (st *stamper) parseValue(v string) (time.Time, bool) {
	// A date starts with four digits and a dash; anything else is a number.
	if len(v) > 4 && v[4] == '-' {
		t, err := time.Parse(time.RFC3339Nano, v)
		return t, err == nil
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		unit := st.unit
		if unit == 0 {
			unit = guessUnit(float64(n))
		}
		if n > math.MaxInt64/int64(unit) || n < math.MinInt64/int64(unit) {
			return time.Time{}, false
		}
		return time.Unix(0, n*int64(unit)), true
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return time.Time{}, false
	}
	unit := st.unit
	if unit == 0 {
		unit = guessUnit(f)
	}
	return timeFromFloat(f, unit)
}

// guessUnit picks the unit that puts a Unix time in a plausible range:
// today is about 1.7e9 s, 1.7e12 ms, 1.7e15 us or 1.7e18 ns.
func guessUnit(v float64) time.Duration {
	switch v = math.Abs(v); {
	case v >= 1e17:
		return time.Nanosecond
	case v >= 1e14:
		return time.Microsecond
	case v >= 1e11:
		return time.Millisecond
	default:
		return time.Second
	}
}

// timeFromFloat converts a fractional count of units, keeping the whole
// and fractional parts apart: a float64 holds present-day nanoseconds only
// to a few hundred ns.
func timeFromFloat(v float64, unit time.Duration) (time.Time, bool) {
	whole := math.Trunc(v)
	if math.Abs(whole) > float64(math.MaxInt64/int64(unit)) {
		return time.Time{}, false
	}
	ns := int64(whole)*int64(unit) + int64(math.Round((v-whole)*float64(unit)))
	return time.Unix(0, ns), true
}

// StampDelays measures each event's delay from the send time embedded in
// its data: its wall-clock arrival (start + Arrival, start being the
// snapshot's Start) minus the send time. Events without a stamp are
// skipped. The delay includes any clock offset between the server and this
// machine, so it is exact only when both share a clock.
func StampDelays(start time.Time, lane *inspector.LaneSnapshot, spec StampSpec) ([]Delay, error) {
	st, err := spec.compile()
	if err != nil {
		return nil, err
	}
	var out []Delay
	for i := 0; i < lane.Len(); i++ {
		ev := lane.Event(i)
		sent, ok := st.sendTime(ev.Data)
		if !ok {
			continue
		}
		out = append(out, Delay{Lane: lane.Info.ID, Seq: ev.Seq, Arrival: ev.Arrival,
			Delay: start.Add(ev.Arrival).Sub(sent), Source: DelayStamp})
	}
	return out, nil
}

// TapDelays measures, on a tapped lane, how long each event took from the
// tap's upstream read to the write to the browser returning. A growing
// delay means the browser is not reading.
func TapDelays(lane *inspector.LaneSnapshot) []Delay {
	var out []Delay
	lane.Scan(0, lane.Len(), func(_ int, m *inspector.EventMeta) bool {
		if m.Delivered > 0 {
			out = append(out, Delay{Lane: lane.Info.ID, Seq: m.Seq, Arrival: m.Arrival,
				Delay: m.Delivered - m.Arrival, Source: DelayTap})
		}
		return true
	})
	return out
}
