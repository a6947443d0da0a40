package demo

import (
	"errors"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
)

// DefaultPageSize is the buffer nginx fills before releasing a page of a
// non-chunked upstream response (one memory page on x86-64).
const DefaultPageSize = 4096

// BufferingProxy is a reverse proxy that behaves like nginx with its default
// `proxy_buffering on` and HTTP/1.0 upstream: it holds the status line and
// headers until the first page of body is full, then releases the body in
// whole pages, and the remainder when the upstream ends. It exists to
// reproduce the problem, never to be used in front of real traffic.
type BufferingProxy struct {
	// Upstream is the origin's base URL.
	Upstream *url.URL
	// PageSize is the buffer size; 0 means DefaultPageSize.
	PageSize int
	// Transport carries the upstream requests; nil means http.DefaultTransport.
	Transport http.RoundTripper
}

// ServeHTTP proxies one request.
func (p *BufferingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	page := p.PageSize
	if page <= 0 {
		page = DefaultPageSize
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(p.Upstream)
			pr.SetXForwarded()
		},
		Transport:     p.Transport,
		FlushInterval: 0,
	}
	pw := &pageWriter{ResponseWriter: w, page: page}
	rp.ModifyResponse = func(resp *http.Response) error {
		resp.Header.Set("Via", "1.0 sseinspector-demo-buffer")
		return nil
	}
	rp.ServeHTTP(pw, r)
	pw.finish()
}

// pageWriter holds writes until a page is full. Its Flush is deliberately a
// no-op below a page: the proxy ignores the upstream's flushes like nginx.
type pageWriter struct {
	http.ResponseWriter
	page        int
	buf         []byte
	status      int
	wroteHeader bool
}

func (w *pageWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *pageWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.buf = append(w.buf, b...)
	for len(w.buf) >= w.page {
		if err := w.release(w.buf[:w.page]); err != nil {
			return 0, err
		}
		w.buf = append(w.buf[:0], w.buf[w.page:]...)
	}
	return len(b), nil
}

// Flush is ignored: buffering proxies don't honour upstream flushes.
func (w *pageWriter) Flush() {}

func (w *pageWriter) release(p []byte) error {
	if !w.wroteHeader {
		w.wroteHeader = true
		w.ResponseWriter.WriteHeader(w.status)
	}
	if _, err := w.ResponseWriter.Write(p); err != nil {
		return err
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// finish releases what is left once the upstream has ended.
func (w *pageWriter) finish() {
	if w.status == 0 && len(w.buf) == 0 {
		return
	}
	if err := w.release(w.buf); err != nil && !errors.Is(err, io.ErrClosedPipe) {
		return
	}
	w.buf = nil
}
