package sse

import (
	"bytes"
	"math/big"
	"strings"
	"testing"
	"time"
)

var fuzzSeeds = []string{
	"",
	"data: a\n\n",
	"\xEF\xBB\xBFdata: a\n\n",
	"\xEF\xBB\xBF\xEF\xBB\xBFdata: a\n\n",
	"\xEF\xBBdata\n\n",
	"\xEF",
	"data: a\r\n\r\ndata: b\r\n\r\n",
	"data: a\n\rdata: b\r\r",
	"data: a\r\n\rdata: b\r\n\n",
	"data: a\r\r\n\n",
	": ping\n\n: pong\r\n\r\n",
	"id: 1\ndata: a\n\n: ping\n\n",
	"id: 1\ndata: a\n\nid\ndata: b\n\nid: 2\x00\ndata: c\n\n",
	"event: add\ndata: x\n\nevent:\ndata: y\n\nevent: add\n\n",
	"retry: 1000\nretry: x\nretry:\nretry: 99999999999999999999999\n\n",
	"data\ndata\ndata:\n\n",
	"Data: a\nfoo: b\ndata : c\n\n",
	"data: \xE2\x82\x41\xC0\x80\xED\xA0\x80\xF4\x90\x80\x80\n\n",
	"data: é€😀\n\nevent: \xF0\x9F\x98\nid: \xFF\ndata: \xE2\x82\n\n",
	":\xE2\x82\r\n\r\n",
	"data: incomplete",
	"data: a\n\ndata: b\n",
	"data: " + strings.Repeat("x", 300) + "\nevent: late\n\n",
	strings.Repeat("n", 300) + "\n\ndata: ok\n\n",
	": " + strings.Repeat("c", 300) + "\n\n",
	"retry: " + strings.Repeat("0", 300) + "7\n\n",
	"id: " + strings.Repeat("i", 300) + "\x00\ndata: x\n\n",
}

// FuzzParser checks that splitting a stream into reads never changes what
// the parser reports, that items describe the input faithfully, and that
// the result matches a plain transcription of the WHATWG algorithm.
func FuzzParser(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), []byte{3, 1, 0, 7, 2}, uint8(0))
		f.Add([]byte(s), []byte{1, 1, 1}, uint8(17))
	}
	f.Fuzz(func(t *testing.T, in, cuts []byte, capSel uint8) {
		// capSel 0 keeps the default cap; anything else is a cap small
		// enough for the fuzzer's inputs to cross it.
		max := int(capSel)

		whole := parseChunks(&Parser{MaxEventSize: max}, [][]byte{in})
		chunked := parseChunks(&Parser{MaxEventSize: max}, chunksFromCuts(in, cuts))
		var bytewise [][]byte
		for i := range in {
			bytewise = append(bytewise, in[i:i+1])
		}
		single := parseChunks(&Parser{MaxEventSize: max}, bytewise)
		for name, other := range map[string]parseResult{"chunked": chunked, "byte by byte": single} {
			if !equalItems(whole.items, other.items) {
				t.Fatalf("%s differs from whole:\n got %v\nwant %v", name, other.items, whole.items)
			}
			if other.lastID != whole.lastID || other.discarded != whole.discarded {
				t.Fatalf("%s: last id %q discarded %d, whole: %q %d", name, other.lastID, other.discarded, whole.lastID, whole.discarded)
			}
		}

		checkDecodeBlock(t, whole.events)
		checkItemsAgainstInput(t, in, whole.items, max)
		if whole.discarded < 0 || whole.discarded > int64(len(in)) {
			t.Errorf("End() = %d for %d bytes", whole.discarded, len(in))
		}

		if max == 0 {
			want, lastID := referenceParse(in)
			got := make([]flatItem, len(whole.items))
			for i, it := range whole.items {
				got[i] = flatItem{Kind: it.Kind, Type: it.Type, Data: it.Data, ID: it.ID, Retry: it.Retry}
			}
			if !equalItems(got, want) {
				t.Fatalf("differs from the reference:\n got %v\nwant %v", got, want)
			}
			if whole.lastID != lastID {
				t.Fatalf("LastEventID = %q, reference %q", whole.lastID, lastID)
			}
		}

		if got, want := string(appendText(nil, in)), string(referenceDecode(in)); got != want {
			t.Fatalf("appendText(%q) = %q, reference %q", in, got, want)
		}
	})
}

// chunksFromCuts splits in into reads whose sizes are the bytes of cuts
// (a zero makes an empty read); what remains is the last read.
func chunksFromCuts(in, cuts []byte) [][]byte {
	var chunks [][]byte
	for _, c := range cuts {
		n := min(int(c), len(in))
		chunks = append(chunks, in[:n])
		in = in[n:]
	}
	return append(chunks, in)
}

func checkItemsAgainstInput(t *testing.T, in []byte, items []flatItem, max int) {
	t.Helper()
	limit := max
	if limit == 0 {
		limit = DefaultMaxEventSize
	}
	var lastEnd, eventEnd int64
	for _, it := range items {
		end := it.Offset + it.Size
		if end <= lastEnd || it.Offset < eventEnd || end > int64(len(in)) {
			t.Fatalf("item %v out of order (last end %d, last event end %d, input %d)", it, lastEnd, eventEnd, len(in))
		}
		lastEnd = end
		if it.Kind == ItemEvent {
			eventEnd = end
		}
		if !bytes.HasPrefix(in[it.Offset:], []byte(it.Raw)) {
			t.Fatalf("item %v: Raw is not the input at its offset", it)
		}
		wantLen := min(it.Size, int64(limit))
		if int64(len(it.Raw)) != wantLen || it.Truncated != (it.Size > int64(limit)) {
			t.Fatalf("item %v: %d raw bytes, want %d", it, len(it.Raw), wantLen)
		}
		if it.Kind == ItemComment {
			// Size counts the colon and the terminator around the text.
			text := it.Raw[1:]
			text = text[:min(int64(len(text)), it.Size-2)]
			if want := string(referenceDecode([]byte(text))); it.Data != want {
				t.Fatalf("comment %v: data %q, want %q", it, it.Data, want)
			}
		}
	}
}

// referenceDecode is the WHATWG "UTF-8 decode" (with its byte order mark
// sniffing left out), transcribed step by step from the Encoding Standard.
func referenceDecode(in []byte) []byte {
	var out []rune
	var cp rune
	needed, seen := 0, 0
	lower, upper := byte(0x80), byte(0xBF)
	for i := 0; i < len(in); {
		b := in[i]
		if needed == 0 {
			switch {
			case b <= 0x7F:
				out = append(out, rune(b))
			case b >= 0xC2 && b <= 0xDF:
				needed, cp = 1, rune(b&0x1F)
			case b >= 0xE0 && b <= 0xEF:
				if b == 0xE0 {
					lower = 0xA0
				}
				if b == 0xED {
					upper = 0x9F
				}
				needed, cp = 2, rune(b&0xF)
			case b >= 0xF0 && b <= 0xF4:
				if b == 0xF0 {
					lower = 0x90
				}
				if b == 0xF4 {
					upper = 0x8F
				}
				needed, cp = 3, rune(b&0x7)
			default:
				out = append(out, 0xFFFD)
			}
			i++
			continue
		}
		if b < lower || b > upper {
			cp, needed, seen, lower, upper = 0, 0, 0, 0x80, 0xBF
			out = append(out, 0xFFFD)
			continue // the byte is looked at again
		}
		lower, upper = 0x80, 0xBF
		cp = cp<<6 | rune(b&0x3F)
		seen++
		i++
		if seen == needed {
			out = append(out, cp)
			cp, needed, seen = 0, 0, 0
		}
	}
	if needed != 0 {
		out = append(out, 0xFFFD)
	}
	return []byte(string(out))
}

// referenceParse is the event-stream interpretation of WHATWG HTML §9.2.6
// applied to the whole decoded stream at once, with comments and retry
// fields reported the way the Parser reports them. It knows nothing about
// reads, offsets or caps.
func referenceParse(in []byte) (items []flatItem, lastID string) {
	in = bytes.TrimPrefix(in, bom[:])
	s := string(referenceDecode(in))
	var data strings.Builder
	var eventType, idBuf string
	for {
		end := strings.IndexAny(s, "\r\n")
		if end < 0 {
			break // an unfinished line, and with it its block, is dropped
		}
		line := s[:end]
		if strings.HasPrefix(s[end:], "\r\n") {
			s = s[end+2:]
		} else {
			s = s[end+1:]
		}

		if line == "" {
			lastID = idBuf
			if data.Len() == 0 {
				eventType = ""
				continue
			}
			d := strings.TrimSuffix(data.String(), "\n")
			typ := eventType
			if typ == "" {
				typ = "message"
			}
			items = append(items, flatItem{Kind: ItemEvent, Type: typ, Data: d, ID: lastID})
			data.Reset()
			eventType = ""
			continue
		}
		if line[0] == ':' {
			items = append(items, flatItem{Kind: ItemComment, Data: line[1:]})
			continue
		}
		name, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch name {
		case "event":
			eventType = value
		case "data":
			data.WriteString(value)
			data.WriteByte('\n')
		case "id":
			if !strings.Contains(value, "\x00") {
				idBuf = value
			}
		case "retry":
			if value != "" && strings.Trim(value, "0123456789") == "" {
				// A value beyond what a time.Duration holds is ignored.
				ms := new(big.Int)
				ms.SetString(value, 10)
				if ms.Cmp(big.NewInt(maxMillis)) <= 0 {
					items = append(items, flatItem{Kind: ItemRetry, Retry: time.Duration(ms.Int64()) * time.Millisecond})
				}
			}
		}
	}
	return items, lastID
}
