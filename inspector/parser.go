package inspector

import "time"

// Temporary stand-in for the parser API; replaced by the real parser.

// DefaultMaxEventSize is the per-event cap (16 MiB).
const DefaultMaxEventSize = 16 << 20

// ItemKind says what a parser Item is.
type ItemKind uint8

// Item kinds.
const (
	ItemEvent ItemKind = iota + 1
	ItemComment
	ItemRetry
)

// Item is one thing the parser found.
type Item struct {
	Kind      ItemKind
	Type      string
	Data      []byte
	ID        string
	Raw       []byte
	Offset    int64
	Size      int64
	FirstRead int64
	LastRead  int64
	Truncated bool
	Retry     time.Duration
}

// Parser is the incremental parser.
type Parser struct {
	MaxEventSize int
	lastID       string
}

// Feed parses one read.
func (p *Parser) Feed(chunk []byte, read int64, emit func(*Item)) {}

// End ends the stream.
func (p *Parser) End() int64 { return 0 }

// LastEventID is the last event ID string.
func (p *Parser) LastEventID() string { return p.lastID }

// SetLastEventID sets it.
func (p *Parser) SetLastEventID(id string) { p.lastID = id }

// Offset is the stream offset.
func (p *Parser) Offset() int64 { return 0 }

// DecodeBlock decodes a raw block.
func DecodeBlock(raw []byte) (typ, data string, ok bool) { return "", "", false }
