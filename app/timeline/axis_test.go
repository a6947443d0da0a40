package timeline

import (
	"testing"
	"time"
)

func TestTimeStep(t *testing.T) {
	for _, tc := range []struct {
		span  time.Duration
		width float64
		want  time.Duration
	}{
		{10 * time.Second, 1200, time.Second},
		{13 * time.Second, 1200, time.Second},
		{5 * time.Second, 1200, 500 * time.Millisecond},
		{500 * time.Second, 1200, time.Minute},
		{20 * time.Millisecond, 1200, 2 * time.Millisecond},
		{3 * time.Hour, 1200, 15 * time.Minute},
	} {
		if got := timeStep(tc.span, tc.width); got != tc.want {
			t.Errorf("timeStep(%v, %v) = %v, want %v", tc.span, tc.width, got, tc.want)
		}
	}
}

func TestTickLabel(t *testing.T) {
	for _, tc := range []struct {
		t, step, end time.Duration
		want         string
	}{
		{0, time.Second, 10 * time.Second, "0 s"},
		{3 * time.Second, time.Second, 10 * time.Second, "3 s"},
		{1500 * time.Millisecond, 500 * time.Millisecond, 5 * time.Second, "1.5 s"},
		{0, 500 * time.Millisecond, 5 * time.Second, "0.0 s"},
		{200 * time.Millisecond, 100 * time.Millisecond, 900 * time.Millisecond, "200 ms"},
		{1500 * time.Microsecond, 500 * time.Microsecond, 5 * time.Millisecond, "1.5 ms"},
		{90 * time.Second, time.Minute, 10 * time.Minute, "1:30"},
		{2 * time.Hour, time.Hour, 5 * time.Hour, "2:00:00"},
	} {
		if got := tickLabel(tc.t, tc.step, tc.end); got != tc.want {
			t.Errorf("tickLabel(%v, %v, %v) = %q, want %q", tc.t, tc.step, tc.end, got, tc.want)
		}
	}
}

func TestFormats(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{fmtDur(3 * time.Second), "3.0 s"},
		{fmtDur(812 * time.Millisecond), "812 ms"},
		{fmtDur(2500 * time.Microsecond), "2.5 ms"},
		{fmtDur(75 * time.Second), "75 s"},
		{fmtCount(1234567), "1,234,567"},
		{fmtCount(999), "999"},
		{fmtCoarse(200*time.Second, 300*time.Millisecond), "200.00 s"},
		{fmtCoarse(7*time.Second, 8*time.Second), "7.0 s"},
		{fmtCoarse(15*time.Second, 25*time.Second), "15 s"},
		{fmtCoarse(120*time.Millisecond, 500*time.Millisecond), "120 ms"},
		{fmtCoarse(90*time.Second, time.Hour), "1:30"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
