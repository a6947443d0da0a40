package diagnose

import (
	"fmt"
	"strings"

	"github.com/sseinspector/sseinspector/inspector"
)

// Rules for compressed event streams. A compressor emits output only when
// a block fills or it is told to flush; behind a buffering proxy the
// stream then arrives all at once at its end.

const proxyCompressionFix = `Do not compress the event stream in the proxy. In nginx, remove text/event-stream from gzip_types,
or in the location that proxies the stream:
    gzip off;
Compression holds output until a block fills; with proxy_buffering on it holds everything until the stream ends,
so also consider:
    proxy_buffering off;`

const appCompressionFix = `Do not compress the event stream, or flush the compressor after each event:
    Express compression:  res.flush() after each event, or send Cache-Control: no-transform,
                          or exclude text/event-stream in the filter option
    Go gzip handlers:     exclude text/event-stream, or Flush the gzip writer and the ResponseWriter per event
    Caddy encode / Traefik compress: exclude text/event-stream from the matcher`

// compressionEvidence describes a compressed lane: the header, the ratio
// and how the bytes arrived.
func compressionEvidence(f *laneFacts, ref *laneFacts) []string {
	enc := f.encoding()
	ev := []string{fmt.Sprintf("%s: Content-Encoding: %s", f.name(), enc)}
	if vary, ok := f.header("Vary"); ok {
		ev[0] += ", Vary: " + vary
	}
	wire, decoded := f.snap.WireBytes(), f.snap.Bytes()
	if wire > 0 && decoded > 0 {
		ev = append(ev, fmt.Sprintf("%s: %s on the wire for %s of events", f.name(), inspector.FormatBytes(wire), inspector.FormatBytes(decoded)))
	}
	if s := f.bufferSign(ref); s.held() {
		ev = append(ev, f.bufferEvidence(s, ref)...)
	}
	return ev
}

// compressionSeverity is a warning when the compressed lane shows that
// events were held, info when they still flowed.
func compressionSeverity(f *laneFacts, ref *laneFacts) Severity {
	if f.bufferSign(ref).held() {
		return SeverityWarning
	}
	if f.role == RoleProxied {
		if st := f.refDelays(); st.Count > 0 && st.P50.D() >= minNotableDelay {
			return SeverityWarning
		}
	}
	return SeverityInfo
}

func compressionTitle(who string, sev Severity) string {
	if sev >= SeverityWarning {
		return who + " compresses the event stream and the events are held back"
	}
	return who + " compresses the event stream; events still flow, but any buffer on the way will hold them"
}

// checkProxyCompression reports a proxied lane that is compressed while the
// direct lane is not.
func checkProxyCompression(d *diag) []Finding {
	if d.ref == nil || d.ref.encoding() != "" {
		return nil
	}
	var out []Finding
	for _, p := range d.proxied() {
		if p.encoding() == "" {
			continue
		}
		who := "A proxy"
		if isNginx(p.serverHeader()) {
			who = "nginx"
		}
		sev := compressionSeverity(p, d.ref)
		f := Finding{ID: "proxy-compression", Severity: sev, Confidence: 0.9, Lanes: []int{p.id(), d.ref.id()},
			Title: compressionTitle(who, sev), Fix: proxyCompressionFix}
		f.Evidence = compressionEvidence(p, d.ref)
		f.Evidence = append(f.Evidence, fmt.Sprintf("%s: not compressed", d.ref.name()))
		if e := p.delayEvidence(d.ref); e != "" {
			f.Evidence = append(f.Evidence, e)
		}
		out = append(out, f)
	}
	return out
}

// checkAppCompression reports a direct lane that is compressed: the origin
// itself compresses.
func checkAppCompression(d *diag) []Finding {
	if d.ref == nil || d.ref.encoding() == "" {
		return nil
	}
	sev := compressionSeverity(d.ref, nil)
	f := Finding{ID: "app-compression", Severity: sev, Confidence: 0.85, Lanes: []int{d.ref.id()},
		Title: compressionTitle("The application", sev), Fix: appCompressionFix}
	f.Evidence = compressionEvidence(d.ref, nil)
	if v, _ := d.ref.header("Vary"); strings.Contains(strings.ToLower(v), "accept-encoding") {
		f.Evidence = append(f.Evidence, "Vary: Accept-Encoding is what compression middleware adds")
	}
	return []Finding{f}
}

// checkCompression reports compressed lanes with nothing to compare with.
func checkCompression(d *diag) []Finding {
	var out []Finding
	for _, l := range d.sseLanes() {
		if l.role != RoleAlone || l.encoding() == "" {
			continue
		}
		sev := compressionSeverity(l, nil)
		f := Finding{ID: "compression", Severity: sev, Confidence: 0.8, Lanes: []int{l.id()},
			Title: compressionTitle("Something between the application and here", sev),
			Fix:   appCompressionFix + "\n" + proxyCompressionFix}
		f.Evidence = compressionEvidence(l, nil)
		out = append(out, f)
	}
	return out
}
