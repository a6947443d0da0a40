//go:build !linux

package inspector

import (
	"io"
	"net"
)

// blockingReader is only available on Linux; elsewhere bodies are read
// through the netpoller.
type blockingReader struct{}

func newBlockingReader(net.Conn) (*blockingReader, bool) { return nil, false }

func (b *blockingReader) Read([]byte) (int, error) { return 0, io.EOF }

func (b *blockingReader) wake() {}
