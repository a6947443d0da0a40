package inspectortest

import (
	"bufio"
	"net/http"
	"strings"
	"testing"
)

func TestNginxProxiesTheOrigin(t *testing.T) {
	origin := (&Origin{Rate: 100, Size: 50, Count: 3}).Start(t)
	n := StartNginx(t, NginxConfig{Upstream: origin.URL, Location: "proxy_buffering off;"})
	resp, err := http.Get(n.URL + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if !strings.HasPrefix(resp.Header.Get("Server"), "nginx") {
		t.Fatalf("Server %q: not answered by nginx", resp.Header.Get("Server"))
	}
	sc := bufio.NewScanner(resp.Body)
	var ids []string
	for sc.Scan() {
		if id, ok := strings.CutPrefix(sc.Text(), "id: "); ok {
			ids = append(ids, id)
		}
	}
	if strings.Join(ids, ",") != "1,2,3" {
		t.Fatalf("ids %v through nginx, want 1,2,3", ids)
	}
}
