package inspector

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

var updateSample = flag.Bool("update", false, "rewrite testdata/session-v1.ssei (only when the format version changes)")

// v1Sample is the committed session file of format version 1.
var v1Sample = filepath.Join("testdata", "session-v1.ssei")

// sampleSnapshot is sampleSession with fixed wall-clock times, as written
// into the committed sample.
func sampleSnapshot(t *testing.T) (*Snapshot, time.Time) {
	snap := sampleSession(t).Snapshot()
	snap.Start = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	return snap, snap.Start.Add(2 * time.Second)
}

// TestSessionFileV1IsPinned writes the sample session and compares it,
// byte for byte, with the committed version-1 file: renaming a Go field or
// a JSON key cannot change format 1 without failing here.
func TestSessionFileV1IsPinned(t *testing.T) {
	snap, saved := sampleSnapshot(t)
	var got bytes.Buffer
	if err := writeSession(&got, snap, SaveOptions{KeepSecrets: true}, saved); err != nil {
		t.Fatal(err)
	}
	if *updateSample {
		if err := os.WriteFile(v1Sample, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(v1Sample)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		gl, wl := bytes.Split(got.Bytes(), []byte("\n")), bytes.Split(want, []byte("\n"))
		for i := range min(len(gl), len(wl)) {
			if !bytes.Equal(gl[i], wl[i]) {
				t.Fatalf("line %d differs from %s:\n got %s\nwant %s", i+1, v1Sample, gl[i], wl[i])
			}
		}
		t.Fatalf("written %d lines, %s has %d", len(gl), v1Sample, len(wl))
	}
}

// TestSessionFileV1Loads reads the committed version-1 file back into the
// sample session.
func TestSessionFileV1Loads(t *testing.T) {
	want, _ := sampleSnapshot(t)
	sess, err := LoadSession(v1Sample, LoadOptions{Limits: Limits{MaxEventSize: 40}})
	if err != nil {
		t.Fatal(err)
	}
	got := sess.Snapshot()
	if !got.Start.Equal(want.Start) || len(got.Lanes) != len(want.Lanes) {
		t.Fatalf("start %v, %d lanes; want %v, %d", got.Start, len(got.Lanes), want.Start, len(want.Lanes))
	}
	for i, wl := range want.Lanes {
		gl := got.Lanes[i]
		if !reflect.DeepEqual(gl.Info, wl.Info) || gl.State != wl.State || !reflect.DeepEqual(gl.Conns, wl.Conns) ||
			!reflect.DeepEqual(gl.Reads(), wl.Reads()) || !reflect.DeepEqual(gl.Events(), wl.Events()) ||
			!reflect.DeepEqual(gl.Notes(), wl.Notes()) {
			t.Errorf("lane %d differs after loading %s:\n got %+v\nwant %+v", wl.Info.ID, v1Sample, gl, wl)
		}
	}
}
