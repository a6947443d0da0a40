package gui

import (
	"net"
	"testing"
	"time"
)

// TestRestartingTheTapDoesNotWaitForItsStreams checks that restarting the
// tap from the window (on the UI goroutine) frees the old address and
// returns without waiting for the old tap's streams to record their end:
// here that wait never finishes.
func TestRestartingTheTapDoesNotWaitForItsStreams(t *testing.T) {
	ui, _ := newTestInspector(t)
	first, err := ui.StartTap("127.0.0.1:0", "http://127.0.0.1:1", nil, false)
	if err != nil {
		t.Fatal(err)
	}
	neverEnds := make(chan error)
	stop := first.stop
	first.stop = func() <-chan error { stop(); return neverEnds }

	restarted := make(chan error, 1)
	go func() {
		_, err := ui.StartTap(first.addr, "http://127.0.0.1:1", nil, false)
		restarted <- err
	}()
	select {
	case err := <-restarted:
		if err != nil {
			t.Fatalf("restart on the same address: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("restarting the tap waited for the old tap's streams")
	}
	if c, err := net.Dial("tcp", ui.tap.addr); err != nil {
		t.Errorf("the restarted tap does not accept connections: %v", err)
	} else {
		c.Close()
	}
}
