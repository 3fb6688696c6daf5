package answers

import (
	"strings"
	"unicode/utf8"

	"planbot/retrieval"
)

// Article is a whole unit ("全文") as one or more messages, each within the
// budget and valid on its own: the first carries the heading and chapter,
// the others "第N条 title（续）" (under a small budget just the label, under a
// tiny one nothing). Messages break between clauses; only a clause
// longer than a whole message is broken, at commas (or, failing any, between
// characters), and its text continues in the next message, so nothing is
// left out. It returns nil when the budget cannot hold a single character.
func Article(d *retrieval.Document, u *retrieval.Unit, o Options) []string {
	if u == nil {
		return nil
	}
	s, budget := o.style(), o.budget()
	name := ""
	if o.ShowDoc && d != nil {
		name = d.Name
	}
	label := headLine(u, name)
	full := frame{first: s.wrap("b", s.esc(label)) + "\n", cont: s.wrap("b", s.esc(label+"（续）")) + "\n"}
	if ch := chapterLine(u); ch != "" {
		full.first += s.wrap("i", s.esc(ch)) + "\n"
	}
	compact := frame{first: s.wrap("b", s.esc(u.Label())) + "\n", cont: s.wrap("b", s.esc(u.Label()+"（续）")) + "\n"}
	if s.html {
		full.open, full.close = "<blockquote>", "</blockquote>"
		compact.open, compact.close = full.open, full.close
	}
	for _, f := range []frame{full, compact, {}} {
		if room, ok := f.room(budget); ok {
			if pieces, ok := s.unitPieces(u, room); ok {
				return f.pack(pieces, budget)
			}
		}
	}
	return nil
}

// unitPieces cuts the unit's text into rendered pieces of at most room
// characters: whole clauses where they fit, parts of a clause where not.
func (s style) unitPieces(u *retrieval.Unit, room int) ([]segment, bool) {
	var out []segment
	for pi, p := range u.Paragraphs {
		for ci, c := range retrieval.SplitClauses(p.Text) {
			parts, ok := s.divide(c, room)
			if !ok {
				return nil, false
			}
			for k, part := range parts {
				sep := ""
				if pi > 0 && ci == 0 && k == 0 {
					sep = "\n"
				}
				out = append(out, segment{text: part, sep: sep})
			}
		}
	}
	return out, true
}

// divide renders text as one piece if it fits room, else as pieces cut after
// commas outside “…”, else between characters; false if a single character
// does not fit.
func (s style) divide(text string, room int) ([]string, bool) {
	if Size(s.esc(text)) <= room {
		return []string{s.esc(text)}, true
	}
	var units []string // the smallest pieces we may cut text into
	at := 0
	for _, c := range cutPoints(text, commas) {
		_, w := utf8.DecodeRuneInString(text[c:])
		end := c + w // keep the comma on the left
		units = append(units, splitRunes(text[at:end], s, room)...)
		at = end
	}
	units = append(units, splitRunes(text[at:], s, room)...)
	var out []string
	cur := ""
	for _, un := range units {
		if Size(s.esc(un)) > room {
			return nil, false
		}
		if Size(s.esc(cur+un)) > room {
			out = append(out, s.esc(cur))
			cur = ""
		}
		cur += un
	}
	if cur != "" {
		out = append(out, s.esc(cur))
	}
	return out, true
}

// splitRunes returns text whole if it fits room, else its characters.
func splitRunes(text string, s style, room int) []string {
	if text == "" {
		return nil
	}
	if Size(s.esc(text)) <= room {
		return []string{text}
	}
	var out []string
	for _, r := range text {
		out = append(out, string(r))
	}
	return out
}

// segment is a rendered piece of a multi-message reply, what separates it
// from the previous piece when both are in one message, and what to put
// before it when it starts a message (the chapter of a table of contents'
// entry), room permitting.
type segment struct {
	text string
	sep  string
	lead string
}

// frame is what every message of a multi-message reply carries around its
// pieces: a heading (one for the first message, one for the others) and an
// optional wrapping tag.
type frame struct {
	first, cont string
	open, close string
}

// room is what a message in this frame leaves for text. A frame whose
// headings would take more than half of every message is not worth it: the
// caller falls back to a plainer one, down to the bare frame.
func (f frame) room(budget int) (int, bool) {
	room := budget - max(f.size(true), f.size(false))
	return room, f == frame{} || 2*room >= budget
}

func (f frame) size(first bool) int {
	h := f.cont
	if first {
		h = f.first
	}
	return Size(h + f.open + f.close)
}

func (f frame) message(first bool, body string) string {
	h := f.cont
	if first {
		h = f.first
	}
	return h + f.open + body + f.close
}

// pack fills messages greedily with pieces, each of which fits an empty
// message; a separator at the start of a message is dropped.
func (f frame) pack(pieces []segment, budget int) []string {
	var msgs []string
	var body strings.Builder
	used, first := 0, true
	for _, p := range pieces {
		n, sep := Size(p.text), Size(p.sep)
		if used > 0 && used+sep+n > budget-f.size(first) {
			msgs = append(msgs, f.message(first, body.String()))
			body.Reset()
			used, first = 0, false
		}
		if used > 0 {
			body.WriteString(p.sep)
			used += sep
		} else if p.lead != "" && Size(p.lead)+n <= budget-f.size(first) {
			body.WriteString(p.lead)
			used += Size(p.lead)
		}
		body.WriteString(p.text)
		used += n
	}
	if used > 0 {
		msgs = append(msgs, f.message(first, body.String()))
	}
	return msgs
}
