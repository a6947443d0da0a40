package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/sseinspector/sseinspector/inspector"
	"github.com/sseinspector/sseinspector/inspector/capture"
)

// recording is what diagnose and export read: a saved session, or a packet
// capture turned into one.
type recording struct {
	snap *inspector.Snapshot
	// chains are, in a capture taken on a proxy, the lanes of one stream
	// on each side of it, origin side first.
	chains [][]int
}

// progressFloor is the capture size above which reading reports progress.
const progressFloor = 64 << 20

// loadRecording reads a session file (see loadSession) or a pcap/pcapng
// capture, told apart by their first bytes; doing says what the command
// goes on to do with a recording cut short. It returns nil, after saying
// why, when nothing could be read.
func loadRecording(env *Env, cmd, path, doing string) *recording {
	if isCaptureFile(path) {
		return loadCapture(env, cmd, path)
	}
	snap := loadSession(env, cmd, path, doing)
	if snap == nil {
		return nil
	}
	return &recording{snap: snap}
}

// isCaptureFile reports whether a file starts like a pcap or pcapng capture.
func isCaptureFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false // LoadSession reports the error
	}
	defer f.Close()
	head := make([]byte, 4)
	if _, err := io.ReadFull(f, head); err != nil {
		return false
	}
	return capture.IsCapture(head)
}

// loadCapture reads a capture, reporting progress on large files and what
// the capture held besides its event streams.
func loadCapture(env *Env, cmd, path string) *recording {
	next := int64(10)
	opts := capture.Options{Progress: func(read, total int64) {
		if total < progressFloor || read*100 < next*total {
			return
		}
		fmt.Fprintf(env.Stderr, "reading %s: %d%% (%d of %d MiB)\n", path, read*100/total, read>>20, total>>20)
		next = read*100/total/10*10 + 10
	}}
	res, err := capture.ReadFile(path, opts)
	if err != nil {
		fmt.Fprintf(env.Stderr, "sseinspector %s: %v\n", cmd, err)
		return nil
	}
	writeCaptureNotes(env.Stderr, res)
	return &recording{snap: res.Session.Snapshot(), chains: res.Chains}
}

// writeCaptureNotes says what a capture held and what could not be read.
func writeCaptureNotes(w io.Writer, res *capture.Result) {
	fmt.Fprintf(w, "capture: %d packets, %d TCP connections, %d HTTP responses, %d event streams\n",
		res.Packets, res.Connections, res.Responses, res.Streams)
	for _, t := range res.TLS {
		fmt.Fprintf(w, "  TLS %s → %s: encrypted, not decoded (capture where the stream is plain HTTP, "+
			"e.g. between the TLS-terminating proxy and the application)\n", t.Client, t.Server)
	}
	for _, g := range res.Gaps {
		fmt.Fprintf(w, "  lane %d, connection %d: %d bytes missing from the capture at %s (shown as a gap, not joined)\n",
			g.Lane, g.Conn+1, g.Bytes, g.At)
	}
	if res.Retransmitted > 0 {
		fmt.Fprintf(w, "  %d retransmitted bytes counted once\n", res.Retransmitted)
	}
	if res.Fragments > 0 {
		fmt.Fprintf(w, "  %d IP fragments skipped (not reassembled)\n", res.Fragments)
	}
	for _, warn := range res.Warnings {
		fmt.Fprintf(w, "  %s\n", warn)
	}
	snap := res.Session.Snapshot()
	for _, chain := range res.Chains {
		var names []string
		for _, id := range chain {
			names = append(names, snap.Lane(id).Info.Name)
		}
		fmt.Fprintf(w, "  one stream on both sides of a proxy: %s (origin side first)\n", strings.Join(names, " → "))
	}
	if len(res.Chains) > 1 {
		fmt.Fprintln(w, "  the first is analysed as a chain; pick another with --chain LANE,LANE")
	} else if len(res.Chains) == 1 {
		fmt.Fprintln(w, "  it is analysed as a chain")
	}
}

// reference resolves export's --reference; without one, a capture taken on
// a proxy is drawn as the chain of its two sides, upstream first.
func (r *recording) reference(ref string) (int, []int, error) {
	id, err := referenceLane(r.snap, ref)
	if err != nil || id != 0 || len(r.chains) == 0 {
		return id, nil, err
	}
	return r.chains[0][0], r.chains[0], nil
}
