package diagnose_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"

	"github.com/sseinspector/sseinspector/inspector"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

func TestStampDelaysBuiltinOrigin(t *testing.T) {
	s := it.NewSession()
	l := s.Lane("direct").Connect(0, "").Respond(it.Ms(1))
	for i := range 3 {
		sent := it.Ms(100 * (i + 1))
		l.Read(sent+it.Ms(5*(i+1)), it.Event(strconv.Itoa(i), s.Stamp(i, sent, 10)))
	}
	l.Read(it.Ms(500), it.Event("x", "not json"))
	snap := s.Snapshot()
	ds, err := diagnose.StampDelays(snap.Start, snap.Lane(l.ID()), diagnose.StampSpec{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 3 {
		t.Fatalf("%d stamped events, want 3", len(ds))
	}
	for i, d := range ds {
		want := it.Ms(5 * (i + 1))
		if d.Delay != want || d.Source != diagnose.DelayStamp || d.Seq != int64(i) {
			t.Fatalf("event %d: delay %v source %s seq %d, want %v stamp %d", i, d.Delay, d.Source, d.Seq, want, i)
		}
	}
}

func TestStampSpecFieldsRegexUnits(t *testing.T) {
	base := time.Unix(1_700_000_000, 250_000_000)
	cases := []struct {
		name string
		spec diagnose.StampSpec
		data string
		want time.Time
		ok   bool
	}{
		{"ms field", diagnose.StampSpec{Field: "ts", Unit: "ms"}, `{"ts":1700000000250}`, base, true},
		{"nested guessed us", diagnose.StampSpec{Field: "meta.t"}, `{"meta":{"t":1700000000250000}}`, base, true},
		{"float seconds", diagnose.StampSpec{Field: "t", Unit: "s"}, `{"t":1700000000.25}`, base, true},
		{"string number", diagnose.StampSpec{Field: "t", Unit: "ms"}, `{"t":"1700000000250"}`, base, true},
		{"rfc3339", diagnose.StampSpec{Field: "t"}, `{"t":"2023-11-14T22:13:20.25Z"}`, base, true},
		{"regex group", diagnose.StampSpec{Regex: `at=(\d+)`, Unit: "ms"}, `tick at=1700000000250 ok`, base, true},
		{"regex whole match", diagnose.StampSpec{Regex: `\d{13}`}, `tick 1700000000250`, base, true},
		{"after tricky values", diagnose.StampSpec{Field: "ts", Unit: "ms"},
			`{ "a" : "x\"}{,", "b": [1, {"ts": 5}], "c": {"ts": 6}, "ts" : 1700000000250 }`, base, true},
		{"nested only", diagnose.StampSpec{Field: "ts"}, `{"c": {"ts": 1700000000250}}`, time.Time{}, false},
		{"malformed", diagnose.StampSpec{Field: "ts"}, `{"a": "unterminated, "ts": 1}`, time.Time{}, false},
		{"missing field", diagnose.StampSpec{Field: "ts"}, `{"other":1}`, time.Time{}, false},
		{"not json", diagnose.StampSpec{Field: "ts"}, `ts=5`, time.Time{}, false},
		{"default ignores ms", diagnose.StampSpec{}, `{"sent":"soon"}`, time.Time{}, false},
	}
	for _, c := range cases {
		got, ok, err := c.spec.SendTime(c.data)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if ok != c.ok || ok && !got.Equal(c.want) {
			t.Errorf("%s: got %v %v, want %v %v", c.name, got.UTC(), ok, c.want.UTC(), c.ok)
		}
	}
}

func TestStampSpecRejectsBadInput(t *testing.T) {
	for _, spec := range []diagnose.StampSpec{{Unit: "fortnights"}, {Regex: "("}, {Field: "a", Regex: "b"}} {
		if spec.Validate() == nil {
			t.Errorf("%+v: want an error", spec)
		}
	}
}

func TestTapDelays(t *testing.T) {
	s := it.NewSession()
	l := s.AddLaneInfo(inspector.LaneInfo{Name: "tap", Kind: inspector.LaneTap, URL: it.DefaultURL})
	l.Connect(0, "").Respond(it.Ms(1))
	l.ReadDelivered(it.Ms(10), it.Ms(11), it.Event("1", "a"))
	l.ReadDelivered(it.Ms(20), it.Ms(320), it.Event("2", "b"))
	ds := diagnose.TapDelays(s.Snapshot().Lane(l.ID()))
	if len(ds) != 2 || ds[0].Delay != it.Ms(1) || ds[1].Delay != it.Ms(300) || ds[1].Source != diagnose.DelayTap {
		t.Fatalf("got %+v", ds)
	}
}
