package answers

import (
	"fmt"
	"strings"

	"planbot/retrieval"
)

// passage is one hit (or one place of a wording check) ready to render.
type passage struct {
	head    string // first line, plain text; "" for none
	chapter string // second line, plain text; "" for none
	quotes  []retrieval.Quote
	tail    string // after the quotes: "……" when the last clause was cut
}

// layout is a reply made of a rendered lead, passages whose clauses are shown
// in order as far as the budget allows, and a note counting what was left out.
type layout struct {
	lead     string
	passages []passage
	note     string // format with one %d: the number of clauses left out
}

func (l layout) count() int {
	n := 0
	for _, p := range l.passages {
		n += len(p.quotes)
	}
	return n
}

// gap joins two quotes of one passage: nothing between neighbouring clauses of
// a paragraph, a line break between paragraphs, "……" over a gap.
func gap(a, b *retrieval.Clause) string {
	switch {
	case a.Unit != b.Unit || b.ID != a.ID+1:
		return "……"
	case a.Paragraph != b.Paragraph:
		return "\n"
	}
	return ""
}

// quotesText renders quotes joined by gap.
func (s style) quotesText(qs []retrieval.Quote) string {
	var b strings.Builder
	for i, q := range qs {
		if i > 0 {
			b.WriteString(gap(qs[i-1].Clause, q.Clause))
		}
		b.WriteString(s.marked(q.Clause.Text, q.Marks))
	}
	return b.String()
}

func (s style) passage(p passage) string {
	var b strings.Builder
	if p.head != "" {
		b.WriteString(s.wrap("b", s.esc(p.head)) + "\n")
	}
	if p.chapter != "" {
		b.WriteString(s.wrap("i", s.esc(p.chapter)) + "\n")
	}
	b.WriteString(s.wrap("blockquote", s.quotesText(p.quotes)+s.esc(p.tail)))
	return b.String()
}

// render shows the first k clauses of l and, when omitted > 0, the note.
func (s style) render(l layout, k, omitted int) string {
	var parts []string
	if l.lead != "" {
		parts = append(parts, l.lead)
	}
	for _, p := range l.passages {
		if k <= 0 {
			break
		}
		n := min(k, len(p.quotes))
		p.quotes = p.quotes[:n]
		parts = append(parts, s.passage(p))
		k -= n
	}
	if omitted > 0 {
		parts = append(parts, s.esc(fmt.Sprintf(l.note, omitted)))
	}
	return strings.Join(parts, "\n\n")
}

// fit renders as many whole clauses of l, in order, as the budget allows; when
// not even the first clause fits, it cuts that one at a comma. It reports
// false when nothing with a quotation fits.
func (s style) fit(l layout, budget int) (string, bool) {
	total := l.count()
	if out := s.render(l, total, 0); Size(out) <= budget {
		return out, true
	}
	best := ""
	// Sizes only grow with k below total (a clause adds at least one
	// character, the note's number loses at most one), so stop at the first
	// k that does not fit.
	for k := 1; k < total; k++ {
		out := s.render(l, k, total-k)
		if Size(out) > budget {
			break
		}
		best = out
	}
	if best != "" {
		return best, true
	}
	if total == 0 {
		return "", false
	}
	return s.cutFirst(l, budget)
}

// cutFirst shows only the first clause, cut at the last comma that lets the
// reply fit, marked "……": the one case where a sentence is cut.
func (s style) cutFirst(l layout, budget int) (string, bool) {
	total := l.count()
	first := l.passages[0]
	q := first.quotes[0]
	cuts := cutPoints(q.Clause.Text, commas)
	for i := len(cuts) - 1; i >= 0; i-- {
		c := *q.Clause
		c.Text = c.Text[:cuts[i]]
		p := first
		p.quotes = []retrieval.Quote{{Clause: &c, Marks: q.Marks}}
		p.tail = "……"
		cut := layout{lead: l.lead, passages: []passage{p}, note: l.note}
		if out := s.render(cut, 1, total-1); Size(out) <= budget {
			return out, true
		}
	}
	return "", false
}

// Punctuation after which a sentence may be cut.
const (
	commas     = "，,、：:"
	sentenceAt = "，,、：:；;。！!？?"
)

// cutPoints lists, in increasing order, the byte offsets in text of the
// punctuation marks in set that are not inside “…”: cutting there keeps a
// quoted name whole. Offset 0 is never listed.
func cutPoints(text, set string) []int {
	var out []int
	depth := 0
	for i, r := range text {
		switch {
		case r == '“' && strings.ContainsRune(text[i:], '”'):
			depth++
		case r == '”' && depth > 0:
			depth--
		case depth == 0 && i > 0 && strings.ContainsRune(set, r):
			out = append(out, i)
		}
	}
	return out
}
