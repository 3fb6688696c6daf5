package answers

import "planbot/retrieval"

// TOC is the table of contents: the preface, each chapter (第一章 … 第十一章)
// followed by its articles (第N条 title), and the closing, so a reader can
// ask for any of them by name. It is split like Article, never between a
// chapter and its first article, and returns nil when the budget cannot hold
// a single line's first character.
func TOC(d *retrieval.Document, o Options) []string {
	if d == nil {
		return nil
	}
	s, budget := o.style(), o.budget()
	title := "目录"
	if d.Title != "" {
		title = "《" + d.Title + "》目录"
	}
	full := frame{
		first: s.wrap("b", s.esc(title)) + "\n\n",
		cont:  s.wrap("b", "目录（续）") + "\n\n",
	}
	lines := tocLines(d)
	for _, f := range []frame{full, {}} {
		if room, ok := f.room(budget); ok {
			if pieces, ok := s.tocPieces(lines, room); ok {
				return f.pack(pieces, budget)
			}
		}
	}
	return nil
}

// tocLine is one entry of the table of contents, in plain text.
type tocLine struct {
	text    string
	chapter bool
	sep     string // before the entry when it is not first in its message
	in      string // the chapter line of an article, repeated atop a message it starts
}

func tocLines(d *retrieval.Document) []tocLine {
	var lines []tocLine
	chapter := 0
	for _, u := range d.Units {
		if u.Chapter > 0 && u.Chapter != chapter {
			lines = append(lines, tocLine{text: chapterLine(u), chapter: true, sep: "\n\n"})
			chapter = u.Chapter
		}
		switch u.Kind {
		case retrieval.KindArticle:
			lines = append(lines, tocLine{text: headLine(u, ""), sep: "\n", in: chapterLine(u)})
		case retrieval.KindPreface, retrieval.KindClosing:
			lines = append(lines, tocLine{text: u.Label(), sep: "\n\n"})
		}
	}
	return lines
}

// tocPieces renders the entries as pieces of at most room characters: a
// chapter together with its first article when both fit, an entry shortened
// with "…" when it alone is too long.
func (s style) tocPieces(lines []tocLine, room int) ([]segment, bool) {
	render := func(l tocLine) func(string) string {
		if l.chapter {
			return func(t string) string { return s.wrap("b", s.esc(t)) }
		}
		return s.esc
	}
	var out []segment
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if l.chapter && i+1 < len(lines) && !lines[i+1].chapter {
			next := lines[i+1]
			both := render(l)(l.text) + next.sep + render(next)(next.text)
			if Size(both) <= room {
				out = append(out, segment{text: both, sep: l.sep})
				i++
				continue
			}
		}
		text, ok := fitText(room, render(l), l.text)
		if !ok {
			return nil, false
		}
		seg := segment{text: text, sep: l.sep}
		if l.in != "" {
			seg.lead = s.wrap("b", s.esc(l.in+"（续）")) + "\n"
		}
		out = append(out, seg)
	}
	return out, true
}
