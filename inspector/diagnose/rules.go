package diagnose

// rules lists every diagnosis rule, in the order they run. Findings are
// sorted by severity only, so among findings of equal severity this order
// decides which comes first (the one the window shows first): causes that
// end a stream for good, then the hop named precisely before the generic
// rule for the same signature, then cut connections, then unexplained
// delay and loss, then advice.
var rules = []*Rule{
	// Streams that fail for good.
	{ID: "connect-failed",
		Cause: "the request never got a response: the connection was refused, the name did not resolve, TLS failed, or the upstream was unreachable",
		check: checkConnectFailed},
	{ID: "http-status",
		Cause: "the response status is not 200: EventSource fails for good (204 asks it to stop)",
		check: checkHTTPStatus},
	{ID: "content-type",
		Cause: "the Content-Type is missing or not text/event-stream: EventSource fails for good",
		check: checkContentType},
	{ID: "no-events",
		Cause: "the stream delivered no event: no response headers, no body, or bytes that never form an event",
		check: checkNoEvents},
	// Buffering and compression: the named hop before the generic rule.
	// An ignored X-Accel-Buffering value comes first: when it is why nginx
	// buffers, it is the cause to fix and nginx-buffering the symptom.
	{ID: "x-accel-buffering-ignored",
		Cause: "the X-Accel-Buffering header has a value nginx ignores (only yes or no count)",
		check: checkXAccelBuffering},
	{ID: "nginx-buffering",
		Cause: "nginx buffers the stream: proxy_buffering on with an upstream reply that is not chunked (HTTP/1.0)",
		check: func(d *diag) []Finding { return checkProxyBuffering(d, true) }},
	{ID: "proxy-buffering",
		Cause: "a proxy other than a known nginx buffers the stream",
		check: func(d *diag) []Finding { return checkProxyBuffering(d, false) }},
	{ID: "proxy-compression",
		Cause: "a proxy compresses the event stream (e.g. nginx gzip with text/event-stream in gzip_types)",
		check: checkProxyCompression},
	{ID: "app-buffering",
		Cause: "the application holds events back: no flush after each event, ETag middleware, output buffering",
		check: checkAppBuffering},
	{ID: "app-compression",
		Cause: "compression middleware in the application compresses the event stream",
		check: checkAppCompression},
	{ID: "buffering",
		Cause: "events are held back somewhere between the server and here (no direct lane to tell where)",
		check: checkBuffering},
	{ID: "compression",
		Cause: "the event stream is compressed (no direct lane to tell by whom)",
		check: checkCompression},
	// Connections cut or framed wrongly.
	{ID: "idle-timeout",
		Cause: "something closes the connection N s after the last byte: an idle or read timeout",
		check: checkIdleTimeout},
	{ID: "fixed-lifetime",
		Cause: "something closes the connection N s after the request, however many events flow",
		check: checkFixedLifetime},
	{ID: "truncated-chunked",
		Cause: "a chunked body ended without its last chunk: a hop dropped the connection mid-stream",
		check: checkTruncatedChunked},
	{ID: "unframed-body",
		Cause: "an HTTP/1.0 or Connection: close response: the body has no chunking and ends only when the connection does",
		check: checkUnframedBody},
	{ID: "last-event-id-ignored",
		Cause: "the server ignores Last-Event-ID: after a reconnect its ids restart or repeat",
		check: checkLastEventIDIgnored},
	{ID: "connection-limit",
		Cause: "six or more concurrent HTTP/1.1 streams (one connection each) from one browser to one host: the next EventSource stays pending",
		check: checkConnectionLimit},
	// Events late or lost with no cause above.
	{ID: "event-delay",
		Cause: "events reach the proxied lane later than the direct one, with no buffering signature",
		check: checkEventDelay},
	{ID: "lost-events",
		Cause: "events the direct lane received never reached the proxied lane",
		check: checkLostEvents},
	// Advice.
	{ID: "cached-stream",
		Cause: "a cache answered the request (Age or X-Cache headers): the stream is replayed, not live",
		check: checkCachedStream},
	{ID: "cache-control",
		Cause: "the response lacks Cache-Control: no-cache, so caches on the way may hold or replay it",
		check: checkCacheControl},
	{ID: "no-heartbeat",
		Cause: "the stream goes silent for long stretches without heartbeat comments",
		check: checkNoHeartbeat},
}
