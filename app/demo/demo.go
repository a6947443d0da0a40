package demo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/sseinspector/sseinspector/app/origin"
)

// DemoStream is the stream both demo lanes subscribe to: 20 events a
// second of about 120 bytes, stamped with their send time, so a 4 KiB
// buffer fills every two seconds and the per-event delay is exact.
const DemoStream = "/stamped?rate=20&size=120"

// Demo is a running demonstration: the built-in origin and the buffering
// proxy in front of it, both on loopback ports chosen by the system.
type Demo struct {
	// OriginURL and ProxyURL are the base URLs of the origin and the proxy.
	OriginURL, ProxyURL string
	// DirectURL and ProxiedURL are the demo stream, straight from the
	// origin and through the buffering proxy.
	DirectURL, ProxiedURL string

	cancel context.CancelFunc
	done   chan error
	proxy  *http.Server
}

// Start starts the origin and the buffering proxy on 127.0.0.1.
func Start() (*Demo, error) {
	originLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo: listen for the origin: %w", err)
	}
	proxyLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		originLn.Close()
		return nil, fmt.Errorf("demo: listen for the proxy: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &Demo{
		OriginURL: "http://" + originLn.Addr().String(),
		ProxyURL:  "http://" + proxyLn.Addr().String(),
		cancel:    cancel,
		done:      make(chan error, 1),
	}
	d.DirectURL, d.ProxiedURL = d.OriginURL+DemoStream, d.ProxyURL+DemoStream
	go func() { d.done <- origin.Serve(ctx, originLn, origin.Options{}) }()
	upstream, _ := url.Parse(d.OriginURL)
	d.proxy = &http.Server{
		Handler:           &BufferingProxy{Upstream: upstream},
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	go d.proxy.Serve(proxyLn)
	return d, nil
}

// Close stops the proxy and the origin.
func (d *Demo) Close() error {
	d.cancel()
	d.proxy.Close()
	err := <-d.done
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}
