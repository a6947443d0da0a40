package sse

import "time"

// DefaultMaxEventSize is the per-event cap (16 MiB).
const DefaultMaxEventSize = 16 << 20

// ItemKind says what a parser Item is.
type ItemKind uint8

// The kinds of Item a Parser emits.
const (
	ItemEvent   ItemKind = iota + 1 // a dispatched event
	ItemComment                     // a line starting with ':'
	ItemRetry                       // a valid retry field
)

// Item is one thing the parser found.
//
// Byte slices are only valid during the emit callback: they may point into
// the chunk passed to Feed or into buffers the parser reuses. Copy what you
// keep.
type Item struct {
	Kind ItemKind

	// Type is the event type of an ItemEvent: "message" when the block set
	// none. For a truncated block it is still the type the browser
	// dispatches, even when the event field lies beyond the kept bytes.
	Type string

	// Data is, for an ItemEvent, the event's data with the trailing LF
	// removed; for an ItemComment, the text after the ':' (the leading space
	// is kept, as the text is shown, not interpreted). Invalid UTF-8 is
	// replaced by U+FFFD as in a browser. For a truncated item it is what
	// the kept bytes in Raw yield, so it always equals what DecodeBlock
	// derives from Raw.
	Data []byte

	// ID is, for an ItemEvent, the last event ID string after this event,
	// i.e. what MessageEvent.lastEventId shows. It is empty for other kinds.
	ID string

	// Raw holds the bytes as they arrived. For an ItemEvent: the whole block
	// from its first byte through the terminator of the blank line that
	// dispatched it, including comment and other lines inside the block.
	// For an ItemComment or ItemRetry: the line and its terminator. When a
	// line ends in CR the terminator is the CR alone; an LF right after it
	// belongs to the line ending but is not part of Raw, so that an item's
	// bytes never depend on how the stream was split into reads. Raw holds
	// at most MaxEventSize bytes.
	Raw []byte

	// Offset is the stream offset of Raw[0]. The stream offset counts every
	// byte fed since the stream started, including a byte order mark.
	Offset int64

	// Size is the full size in bytes of the block or line, which exceeds
	// len(Raw) when Truncated.
	Size int64

	// FirstRead is the read index of the chunk that carried Raw[0].
	FirstRead int64

	// LastRead is the read index of the chunk that completed the item.
	LastRead int64

	// Truncated reports that the block or line exceeded MaxEventSize, so
	// Raw and Data hold its first bytes only.
	Truncated bool

	// Retry is, for an ItemRetry, the new reconnection time. A retry
	// field whose value a time.Duration cannot hold is ignored, as
	// browsers ignore values they cannot represent.
	Retry time.Duration
}
