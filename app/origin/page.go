package origin

import (
	_ "embed"
	"net/http"
)

// indexPage subscribes to /event like any web page would. It counts events
// in document.title so that a headless browser can read progress without
// scraping the page.
//
//go:embed index.html
var indexPage []byte

func serveIndex(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(indexPage)
}
