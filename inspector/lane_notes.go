package inspector

import (
	"time"

	"github.com/sseinspector/sseinspector/inspector/sse"
)

// storedNote is one stored comment or retry field. It holds no pointer,
// so a collection does not scan the notes: a comment's text is in the
// log's text log. A connection of a reconnect storm leaves one retry
// note, so its size is paid per connection.
type storedNote struct {
	at    int64
	read  int64
	value int64 // a retry field's reconnection time; a comment's index in texts
	conn  uint32
	kind  sse.ItemKind
}

// storedNoteSize is unsafe.Sizeof(storedNote{}), checked by a test.
const storedNoteSize = 32

// textSize is the memory a stored text takes beyond its bytes.
const textSize = 16

// noteLog is a lane's comments and retry fields, kept in chunks like the
// other logs. A comment whose text equals the previous comment's refers
// to the same stored text (a heartbeat sends one text over and over), but
// only within a chunk: each chunk owns the texts its comments refer to,
// so dropping a chunk frees them (with the chunk of texts they are in).
type noteLog struct {
	recs chunkLog[storedNote]
	// owned is, per recs chunk, the memory of the texts it owns.
	owned []int64
	// textEnd is, per recs chunk, one past the highest text index its
	// comments (or those of the chunks before it) refer to.
	textEnd   []int64
	textStart int64 // the first text index the newest chunk owns
	texts     chunkLog[string]
	textMem   []int64 // per texts chunk: its capacity and its texts' bytes
}

// append stores a note and returns the memory it took. text is a
// comment's text, read only during the call.
func (g *noteLog) append(at time.Duration, conn int, kind sse.ItemKind, text []byte, retry time.Duration, read int64) int64 {
	r := storedNote{at: int64(at), read: read, value: int64(retry), conn: uint32(conn), kind: kind}
	if len(g.recs.chunks) == 0 || len(g.recs.chunks[len(g.recs.chunks)-1]) == logChunk {
		g.textStart = g.texts.n // the next record starts a chunk
	}
	var size, owned int64
	if kind == sse.ItemComment {
		if last := g.texts.n - 1; last >= g.textStart && *g.texts.at(last) == string(text) {
			r.value = last
		} else {
			chunks := len(g.texts.chunks)
			size = int64(g.texts.append(string(text)))*textSize + int64(len(text))
			if len(g.texts.chunks) != chunks {
				g.textMem = append(g.textMem, 0)
			}
			g.textMem[len(g.textMem)-1] += size
			r.value = g.texts.n - 1
			owned = textSize + int64(len(text))
		}
	}
	chunks := len(g.recs.chunks)
	size += int64(g.recs.append(r)) * storedNoteSize
	if len(g.recs.chunks) != chunks {
		g.owned = append(g.owned, 0)
		g.textEnd = append(g.textEnd, 0)
	}
	g.owned[len(g.owned)-1] += owned
	g.textEnd[len(g.textEnd)-1] = g.texts.n
	return size
}

// oldest is about the memory dropping the oldest chunk frees, or 0 when
// it is the newest (never dropped).
func (g *noteLog) oldest() int64 {
	if len(g.recs.chunks) < 2 {
		return 0
	}
	return int64(cap(g.recs.chunks[0]))*storedNoteSize + g.owned[0]
}

// dropChunk drops the oldest chunk of notes, and the chunks of texts that
// only it and the chunks before it referred to, and returns the memory
// freed. A text that shares its chunk of texts with a held one stays, and
// stays counted, until that chunk goes.
func (g *noteLog) dropChunk() int64 {
	if len(g.recs.chunks) < 2 {
		return 0
	}
	freed := int64(cap(g.recs.chunks[0])) * storedNoteSize
	end := g.textEnd[0]
	g.recs.dropChunk()
	g.owned, g.textEnd = g.owned[1:], g.textEnd[1:]
	for len(g.texts.chunks) > 1 && g.texts.first+int64(len(g.texts.chunks[0])) <= end {
		freed += g.textMem[0]
		g.textMem = g.textMem[1:]
		g.texts.dropChunk()
	}
	return freed
}

// view copies the headers a reader needs.
func (g *noteLog) view() noteView {
	return noteView{recs: g.recs.view(), texts: g.texts.view()}
}

// noteView is a reader's stable copy of a noteLog.
type noteView struct {
	recs  logView[storedNote]
	texts logView[string]
}

// Len is the number of notes held.
func (v noteView) Len() int { return v.recs.Len() }

// note materializes a stored note.
func (v noteView) note(r *storedNote) Note {
	n := Note{Conn: int(r.conn), At: time.Duration(r.at), Kind: r.kind, Read: r.read}
	if r.kind == sse.ItemComment {
		n.Text = v.texts.At(int(r.value - v.texts.first))
	} else {
		n.Retry = time.Duration(r.value)
	}
	return n
}

// All materializes every held note.
func (v noteView) All() []Note {
	out := make([]Note, 0, v.Len())
	for _, c := range v.recs.chunks {
		for i := range c {
			out = append(out, v.note(&c[i]))
		}
	}
	return out
}
