package scenarios

import (
	"net/http"
	"testing"
	"time"

	"github.com/sseinspector/sseinspector/inspector/diagnose"
	it "github.com/sseinspector/sseinspector/inspector/inspectortest"
)

// handler serves h as an origin.
func handler(h http.Handler) func(t testing.TB) string {
	return func(t testing.TB) string { return it.StartHandler(t, h).URL }
}

// http10 serves a raw HTTP/1.0 origin.
func http10(c it.Cadence) func(t testing.TB) string {
	return func(t testing.TB) string {
		o := &it.HTTP10Origin{Cadence: c}
		o.Start(t)
		return o.URL
	}
}

// nginx runs nginx with extra location and http directives.
func nginx(location, httpBlock string) func(t testing.TB, upstream string) string {
	return func(t testing.TB, upstream string) string {
		return it.StartNginx(t, it.NginxConfig{Upstream: upstream, Location: location, HTTP: httpBlock}).URL
	}
}

// haproxy runs HAProxy with extra defaults.
func haproxy(global string) func(t testing.TB, upstream string) string {
	return func(t testing.TB, upstream string) string {
		return it.StartHAProxy(t, it.ProxyConfig{Upstream: upstream, Global: global}).URL
	}
}

// apache runs Apache mod_proxy_http with extra server directives and
// ProxyPass parameters.
func apache(extra, params string) func(t testing.TB, upstream string) string {
	return func(t testing.TB, upstream string) string {
		return it.StartApache(t, it.ProxyConfig{Upstream: upstream, Extra: extra, Front: params}).URL
	}
}

// caddy runs Caddy's reverse_proxy with extra site directives and
// reverse_proxy options.
func caddy(extra, options string) func(t testing.TB, upstream string) string {
	return func(t testing.TB, upstream string) string {
		return it.StartCaddy(t, it.ProxyConfig{Upstream: upstream, Extra: extra, Front: options}).URL
	}
}

// caddyTimeout makes Caddy give up on an upstream silent for 2 s.
const caddyTimeout = "\t\ttransport http {\n\t\t\tread_timeout 2s\n\t\t}"

// stamped is the built-in origin's stream: count events of ~200 B at 40/s,
// enough for nginx's 4096-byte pages to fill within a second.
func stamped(count int, header http.Header) func(t testing.TB) string {
	return handler(&it.Origin{Rate: 40, Size: 200, Count: count, Header: header})
}

const (
	buffersOff = "proxy_buffering off;"
	http11     = "proxy_http_version 1.1;\nproxy_set_header Connection \"\";"
)

var fast = 40 * time.Millisecond

// Matrix is the scenario table.
var Matrix = []*Scenario{
	{Name: "nginx-default-buffering", Stack: "nginx defaults + Go origin", Fast: true, For: 10 * time.Second,
		Broken: Variant{Origin: stamped(80, nil), Proxy: nginx("", "")},
		Fixed:  Variant{Origin: stamped(80, nil), Proxy: nginx(buffersOff, "")},
		Expect: Expect{ID: "nginx-buffering", Severity: diagnose.SeverityWarning, FixHas: "proxy_buffering off;"}},
	{Name: "nginx-holds-everything", Stack: "nginx defaults + slow stream of small events", Fast: true, For: 3 * time.Second,
		Broken: Variant{Origin: handler(&it.Origin{Rate: 5, Size: 30}), Proxy: nginx("", "")},
		Fixed:  Variant{Origin: handler(&it.Origin{Rate: 5, Size: 30}), Proxy: nginx(http11, "")},
		Expect: Expect{ID: "nginx-buffering", Severity: diagnose.SeverityWarning, TitleHas: "nothing arrived", FixHas: "proxy_buffering off;"}},
	{Name: "reference-through-nginx", Stack: "nginx defaults + Go origin, the proxied lane taken as reference", For: 10 * time.Second,
		ProxiedReference: true,
		Broken:           Variant{Origin: stamped(80, nil), Proxy: nginx("", "")},
		Fixed:            Variant{Origin: stamped(80, nil), Proxy: nginx(buffersOff, "")},
		Expect:           Expect{ID: "nginx-buffering", Severity: diagnose.SeverityWarning, TitleHas: "chosen as reference", FixHas: "proxy_buffering off;"}},
	{Name: "nginx-http10-upstream", Stack: "nginx defaults + HTTP/1.0 origin", For: 10 * time.Second,
		Broken: Variant{Origin: http10(it.Cadence{Count: 80, Every: 25 * time.Millisecond}), Proxy: nginx("", "")},
		Fixed:  Variant{Origin: http10(it.Cadence{Count: 80, Every: 25 * time.Millisecond}), Proxy: nginx(buffersOff, "")},
		Expect: Expect{ID: "nginx-buffering", Severity: diagnose.SeverityWarning, FixHas: "proxy_http_version 1.1 is not enough"}},
	{Name: "nginx-gzip", Stack: "nginx gzip on for event-stream + Go origin", For: 10 * time.Second,
		Broken: Variant{Origin: stamped(80, nil), Proxy: nginx(http11, "gzip on;\ngzip_types text/event-stream;")},
		Fixed:  Variant{Origin: stamped(80, nil), Proxy: nginx(http11, "gzip on;")},
		Expect: Expect{ID: "proxy-compression", Severity: diagnose.SeverityWarning, FixHas: "gzip off;"}},
	{Name: "x-accel-buffering-value", Stack: "nginx defaults + origin sending X-Accel-Buffering", For: 10 * time.Second,
		Broken: Variant{Origin: stamped(80, http.Header{"X-Accel-Buffering": {"no;"}}), Proxy: nginx("", "")},
		Fixed:  Variant{Origin: stamped(80, http.Header{"X-Accel-Buffering": {"no"}}), Proxy: nginx("", "")},
		Expect: Expect{ID: "x-accel-buffering-ignored", Severity: diagnose.SeverityWarning, FixHas: "X-Accel-Buffering: no"}},
	{Name: "rails-rack-etag", Stack: "nginx (buffering off) + Rack::ETag-like origin", For: 10 * time.Second,
		Broken: Variant{Origin: handler(&it.ETagOrigin{Cadence: it.Cadence{Count: 40, Every: fast}}), Proxy: nginx(buffersOff, "")},
		Fixed:  Variant{Origin: handler(&it.ETagOrigin{Cadence: it.Cadence{Count: 40, Every: fast}, Fixed: true}), Proxy: nginx(buffersOff, "")},
		Expect: Expect{ID: "app-buffering", Severity: diagnose.SeverityWarning, TitleHas: "ETag", FixHas: "Last-Modified"}},
	{Name: "express-compression", Stack: "nginx (buffering off) + Express-like gzip origin", For: 10 * time.Second,
		Broken: Variant{Origin: handler(&it.CompressOrigin{Cadence: it.Cadence{Count: 80, Every: 25 * time.Millisecond}}), Proxy: nginx(buffersOff, "")},
		Fixed:  Variant{Origin: handler(&it.CompressOrigin{Cadence: it.Cadence{Count: 80, Every: 25 * time.Millisecond}, Fixed: true}), Proxy: nginx(buffersOff, "")},
		Expect: Expect{ID: "app-compression", Severity: diagnose.SeverityWarning, FixHas: "flush"}},
	{Name: "go-no-flush", Stack: "nginx (buffering off) + Go origin without Flush", Fast: true, For: 10 * time.Second,
		Broken: Variant{Origin: handler(&it.Origin{Rate: 40, Size: 200, Count: 80, NoFlush: true}), Proxy: nginx(buffersOff, "")},
		Fixed:  Variant{Origin: stamped(80, nil), Proxy: nginx(buffersOff, "")},
		Expect: Expect{ID: "app-buffering", Severity: diagnose.SeverityWarning, FixHas: "Flush"}},
	{Name: "app-batches-writes", Stack: "Go origin writing 20 events per write", For: 10 * time.Second,
		Broken: Variant{Origin: handler(&it.BatchingOrigin{Cadence: it.Cadence{Count: 100, Every: 10 * time.Millisecond}, PerWrite: 20})},
		Fixed:  Variant{Origin: handler(&it.BatchingOrigin{Cadence: it.Cadence{Count: 100, Every: 10 * time.Millisecond}, PerWrite: 1})},
		Expect: Expect{ID: "app-buffering", Severity: diagnose.SeverityInfo, TitleHas: "batch"}},
	{Name: "spring-sse-emitter-lifetime", Stack: "nginx (buffering off) + SseEmitter-like 2 s lifetime", Reconnect: true, For: 7 * time.Second,
		Broken: Variant{Origin: handler(&it.LifetimeOrigin{Cadence: it.Cadence{Every: 100 * time.Millisecond}, Lifetime: 2 * time.Second}), Proxy: nginx(buffersOff+"\n"+http11, "")},
		Fixed:  Variant{Origin: handler(&it.LifetimeOrigin{Cadence: it.Cadence{Every: 100 * time.Millisecond}}), Proxy: nginx(buffersOff+"\n"+http11, "")},
		Expect: Expect{ID: "fixed-lifetime", Severity: diagnose.SeverityWarning, TitleHas: "application", FixHas: "SseEmitter(0L)"}},
	{Name: "nginx-read-timeout", Stack: "nginx proxy_read_timeout 2s + quiet origin", Fast: true, For: 5 * time.Second,
		Broken: Variant{Origin: handler(&it.HeartbeatOrigin{Cadence: it.Cadence{Count: 10, Every: fast}}), Proxy: nginx(buffersOff+"\nproxy_read_timeout 2s;", "")},
		Fixed:  Variant{Origin: handler(&it.HeartbeatOrigin{Cadence: it.Cadence{Count: 10, Every: fast}, Beat: 500 * time.Millisecond}), Proxy: nginx(buffersOff+"\nproxy_read_timeout 2s;", "")},
		Expect: Expect{ID: "idle-timeout", Severity: diagnose.SeverityWarning, TitleHas: "proxied", FixHas: "heartbeat"}},
	{Name: "haproxy-timeout", Stack: "HAProxy timeout server 2s + quiet origin", For: 5 * time.Second,
		Broken: Variant{Origin: handler(&it.HeartbeatOrigin{Cadence: it.Cadence{Count: 10, Every: fast}}), Proxy: haproxy("    timeout server 2s")},
		Fixed:  Variant{Origin: handler(&it.HeartbeatOrigin{Cadence: it.Cadence{Count: 10, Every: fast}, Beat: 500 * time.Millisecond}), Proxy: haproxy("    timeout server 2s")},
		Expect: Expect{ID: "idle-timeout", Severity: diagnose.SeverityWarning, FixHas: "heartbeat"}},
	{Name: "apache-proxy-timeout", Stack: "Apache mod_proxy_http ProxyTimeout 2 + quiet origin", For: 5 * time.Second,
		Broken: Variant{Origin: handler(&it.HeartbeatOrigin{Cadence: it.Cadence{Count: 10, Every: fast}}), Proxy: apache("ProxyTimeout 2", "")},
		Fixed:  Variant{Origin: handler(&it.HeartbeatOrigin{Cadence: it.Cadence{Count: 10, Every: fast}, Beat: 500 * time.Millisecond}), Proxy: apache("ProxyTimeout 2", "")},
		Expect: Expect{ID: "idle-timeout", Severity: diagnose.SeverityWarning, FixHas: "heartbeat"}},
	{Name: "caddy-read-timeout", Stack: "Caddy reverse_proxy read_timeout 2s + quiet origin", For: 5 * time.Second,
		Broken: Variant{Origin: handler(&it.HeartbeatOrigin{Cadence: it.Cadence{Count: 10, Every: fast}}), Proxy: caddy("", caddyTimeout)},
		Fixed:  Variant{Origin: handler(&it.HeartbeatOrigin{Cadence: it.Cadence{Count: 10, Every: fast}, Beat: 500 * time.Millisecond}), Proxy: caddy("", caddyTimeout)},
		Expect: Expect{ID: "idle-timeout", Severity: diagnose.SeverityWarning, FixHas: "heartbeat"}},
	{Name: "dead-no-headers", Stack: "origin that never answers", Fast: true, For: 2 * time.Second,
		Broken: Variant{Origin: handler(&it.DeadOrigin{Kind: it.DeadNoHeaders})},
		Fixed:  Variant{Origin: stamped(20, nil)},
		Expect: Expect{ID: "no-events", Severity: diagnose.SeverityError, TitleHas: "headers"}},
	{Name: "dead-no-blank-line", Stack: "origin ending events with one newline", Fast: true, For: 2 * time.Second,
		Broken: Variant{Origin: handler(&it.DeadOrigin{Kind: it.DeadNoBlank, Cadence: it.Cadence{Count: 20}})},
		Fixed:  Variant{Origin: stamped(20, nil)},
		Expect: Expect{ID: "no-events", Severity: diagnose.SeverityError, TitleHas: "blank line", FixHas: "\\n\\n"}},
	{Name: "dead-json-lines", Stack: "origin sending JSON lines without data:", For: 2 * time.Second,
		Broken: Variant{Origin: handler(&it.DeadOrigin{Kind: it.DeadJSONLines, Cadence: it.Cadence{Count: 20, Size: 50}})},
		Fixed:  Variant{Origin: stamped(20, nil)},
		Expect: Expect{ID: "no-events", Severity: diagnose.SeverityError, TitleHas: "data:", FixHas: "data: "}},
	{Name: "dead-huge-line", Stack: "origin writing one line without a newline", For: 2 * time.Second,
		Broken: Variant{Origin: handler(&it.DeadOrigin{Kind: it.DeadHugeLine, Cadence: it.Cadence{Every: 5 * time.Millisecond, Size: 4000}})},
		Fixed:  Variant{Origin: stamped(20, nil)},
		Expect: Expect{ID: "no-events", Severity: diagnose.SeverityError, TitleHas: "never ended"}},
	{Name: "finite-stream", Stack: "origin cut mid-stream / sending 4 events a second apart, then ending", For: 6 * time.Second,
		Broken: Variant{Origin: handler(&it.LifetimeOrigin{Cadence: it.Cadence{Every: 100 * time.Millisecond}, Lifetime: 1500 * time.Millisecond})},
		Fixed:  Variant{Origin: handler(&it.Origin{Rate: 1, Count: 4})},
		Expect: Expect{ID: "truncated-chunked", Severity: diagnose.SeverityWarning, FixHas: "ERR_INCOMPLETE_CHUNKED_ENCODING"}},
	{Name: "redirect-loop", Stack: "origin redirecting between two paths", For: 3 * time.Second,
		Broken: Variant{Origin: handler(it.RedirectLoop{})},
		Fixed:  Variant{Origin: stamped(20, nil)},
		Expect: Expect{ID: "connect-failed", Severity: diagnose.SeverityError, TitleHas: "in a loop"}},
}
