package diagnose

import (
	"fmt"
	"time"
)

// The reference decides the blame: a buffer seen on the reference lane is
// put on the application only when no compared lane receives the events
// as they are sent. When one does, the application flushes, and the buffer
// is on the reference's own path: the reference was chosen wrong (a lane
// through a proxy named as the direct one). Send stamps, when the events
// carry them, say which lane is late independently of the choice.

// flowingPeers returns the compared lanes that received events without a
// buffer's signature.
func (d *diag) flowingPeers() []*laneFacts {
	var out []*laneFacts
	for _, p := range d.proxied() {
		if len(p.events) > 0 && !p.bufferSign(nil).held() {
			out = append(out, p)
		}
	}
	return out
}

// stampedP50 is a lane's median send-stamp delay, when most of its events
// carry a stamp.
func (f *laneFacts) stampedP50() (time.Duration, bool) {
	if len(f.stamps) == 0 || len(f.stamps)*2 < len(f.events) {
		return 0, false
	}
	return SummarizeDelays(f.stamps).P50.D(), true
}

// bufferedReference is the finding for a reference lane that shows a
// buffer while peer, a compared lane, receives events as they are sent.
func (d *diag) bufferedReference(s bufferSign, peer *laneFacts) Finding {
	ref := d.ref
	f := Finding{Severity: SeverityWarning, Lanes: []int{ref.id(), peer.id()}}
	f.Evidence = append(ref.bufferEvidence(s, nil), peer.flowEvidence())
	rp, rok := ref.stampedP50()
	pp, pok := peer.stampedP50()
	if rok && pok && rp-pp >= minNotableDelay {
		who, ev := d.proxyName(ref)
		f.ID, f.Confidence, f.Fix = "proxy-buffering", 0.8, proxyBufferingFix
		if who == "" {
			who = "A proxy"
		} else {
			f.Evidence = append(f.Evidence, ev)
		}
		if isNginx(who) || isNginx(ref.serverHeader()) {
			f.ID, f.Fix = "nginx-buffering", nginxBufferingFix
		}
		f.Title = fmt.Sprintf("%s buffers the stream of %q, the lane chosen as reference: its events are the late ones "+
			"(send stamps p50 %s against %s on %s)", who, ref.name(), fmtDur(rp), fmtDur(pp), peer.name())
		f.Evidence = append(f.Evidence, fmt.Sprintf("send stamps: %s p50 %s, %s p50 %s: %s is late, so the application "+
			"flushes and the buffer is on %s's path", ref.name(), fmtDur(rp), peer.name(), fmtDur(pp), ref.name(), ref.name()))
		return f
	}
	f.ID, f.Confidence = "buffering", 0.6
	f.Title = fmt.Sprintf("The reference lane %q itself looks buffered while %q receives events one by one: "+
		"compare against the stream fetched directly", ref.name(), peer.name())
	f.Fix = "Run the comparison again with the lane fetched directly from the origin as the reference " +
		"(sseinspector compare DIRECT PROXIED, or --reference NAME): the buffer is on the reference's path, not in " +
		"the application, since another lane gets the events as they are sent.\n" + proxyBufferingFix
	return f
}
