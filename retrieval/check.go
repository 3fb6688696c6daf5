package retrieval

import (
	"context"
	"strings"
	"unicode/utf8"
)

// MaxCheckRunes bounds a wording check: the closest-passage search costs the
// phrase's length times the document's.
const MaxCheckRunes = 300

// folded is a paragraph in the form wording checks compare: canonical runes,
// each with the byte offset in the paragraph text of the rune it came from.
type folded struct {
	doc   *Document
	unit  *Unit
	para  int
	runes []rune
	bytes []int // byte offset in the paragraph of the rune each came from
	ends  []int // byte offset just past that rune
}

func foldParagraphs(docs []*Document) []folded {
	var out []folded
	for _, d := range docs {
		for _, u := range d.Units {
			for pi, p := range u.Paragraphs {
				rs, idx := canonical(p.Text)
				offs := runeOffsets(p.Text)
				b, en := make([]int, len(idx)), make([]int, len(idx))
				for i, k := range idx {
					b[i], en[i] = offs[k], offs[k+1]
				}
				out = append(out, folded{doc: d, unit: u, para: pi, runes: rs, bytes: b, ends: en})
			}
		}
	}
	return out
}

// Check tells whether phrase occurs verbatim in the plan (ignoring whitespace,
// the width of punctuation and quotation marks), lists every place it does,
// and otherwise finds the closest passage and what differs.
func (e *Engine) Check(ctx context.Context, phrase string) (CheckResult, error) {
	if !utf8.ValidString(phrase) {
		return CheckResult{Phrase: phrase}, ErrInvalidUTF8
	}
	phrase = strings.TrimSpace(phrase)
	res := CheckResult{Phrase: phrase}
	p, pidx := canonical(phrase)
	if len(p) == 0 {
		return res, ErrEmptyQuery
	}
	if len(p) > MaxCheckRunes {
		return res, ErrTooLong
	}
	for _, f := range e.folded {
		for _, at := range indexAll(f.runes, p) {
			res.Locations = append(res.Locations, f.quote(at, at+len(p)))
		}
	}
	for _, d := range e.docs {
		for _, u := range d.Units {
			if u.Kind != KindArticle && u.Kind != KindChapterIntro {
				continue
			}
			rs, idx := canonical(u.Title)
			offs := runeOffsets(u.Title)
			if ats := indexAll(rs, p); len(ats) > 0 {
				tm := TitleMatch{Doc: d, Unit: u}
				for _, at := range ats {
					tm.Marks = append(tm.Marks, Span{offs[idx[at]], offs[idx[at+len(p)-1]+1]})
				}
				res.Titles = append(res.Titles, tm)
			}
		}
	}
	if res.Verbatim = len(res.Locations)+len(res.Titles) > 0; res.Verbatim {
		return res, nil
	}
	best, ok := e.closest(ctx, p)
	if !ok {
		return res, ctx.Err()
	}
	q := best.f.quote(best.start, best.end)
	res.Closest = &q
	res.Diff = diffOps(phrase, pidx, p, best)
	return res, nil
}

// quote turns a rune range of the folded paragraph into a Quote of the clause
// where the range starts, marking the part of the range inside that clause.
func (f folded) quote(start, end int) Quote {
	para := f.unit.Paragraphs[f.para]
	bs, be := f.bytes[start], f.ends[end-1]
	off := 0
	for _, id := range para.Clauses {
		c := &f.doc.Clauses[id]
		cEnd := off + len(c.Text)
		if bs < cEnd || id == para.Clauses[len(para.Clauses)-1] {
			s, t := bs-off, be-off
			if t > len(c.Text) {
				t = len(c.Text)
			}
			return Quote{Clause: c, Marks: []Span{{s, t}}}
		}
		off = cEnd
	}
	return Quote{}
}

func indexAll(hay, needle []rune) []int {
	var out []int
	for i := 0; i+len(needle) <= len(hay); i++ {
		if hay[i] == needle[0] && string(hay[i:i+len(needle)]) == string(needle) {
			out = append(out, i)
		}
	}
	return out
}

// match is the best approximate occurrence of the phrase in a paragraph.
type match struct {
	f          folded
	start, end int
	dist       int
}

// closest finds the paragraph window with the fewest edits from p
// (approximate substring matching: the window may start anywhere). A window
// needing edits for more than half of the phrase is not close at all.
func (e *Engine) closest(ctx context.Context, p []rune) (match, bool) {
	best := match{dist: len(p) + 1}
	for _, f := range e.folded {
		if ctx.Err() != nil {
			return match{}, false
		}
		if m := approx(f.runes, p); m.dist < best.dist {
			m.f = f
			best = m
		}
	}
	return best, best.dist*2 <= len(p)
}

// approx is Sellers' algorithm: edit distance of p against the best window of
// text, with the window's bounds recovered by tracking each cell's start.
func approx(text, p []rune) match {
	m := len(p)
	prev, cur := make([]int, m+1), make([]int, m+1)
	ps, cs := make([]int, m+1), make([]int, m+1) // start of the window per cell
	for i := range prev {
		prev[i] = i
	}
	best := match{dist: m + 1}
	for j := 1; j <= len(text); j++ {
		cur[0], cs[0] = 0, j
		for i := 1; i <= m; i++ {
			sub := prev[i-1]
			if p[i-1] != text[j-1] {
				sub++
			}
			v, s := sub, ps[i-1]
			if d := prev[i] + 1; d < v {
				v, s = d, ps[i]
			}
			if d := cur[i-1] + 1; d < v {
				v, s = d, cs[i-1]
			}
			cur[i], cs[i] = v, s
		}
		// On a tie, a window that just grew by one wins: the plan's differing
		// character is shown as a substitution, not dropped.
		if cur[m] < best.dist || cur[m] == best.dist && j == best.end+1 && cs[m] == best.start {
			best = match{start: cs[m], end: j, dist: cur[m]}
		}
		prev, cur, ps, cs = cur, prev, cs, ps
	}
	return best
}

// diffOps aligns the phrase with the matched window and groups the edits, in
// the original characters of both.
func diffOps(phrase string, pidx []int, p []rune, m match) []DiffOp {
	w := m.f.runes[m.start:m.end]
	// Full edit-distance table for backtracking; both sides are short.
	d := make([][]int, len(p)+1)
	for i := range d {
		d[i] = make([]int, len(w)+1)
		d[i][0] = i
	}
	for j := 0; j <= len(w); j++ {
		d[0][j] = j
	}
	for i := 1; i <= len(p); i++ {
		for j := 1; j <= len(w); j++ {
			c := d[i-1][j-1]
			if p[i-1] != w[j-1] {
				c++
			}
			d[i][j] = min(c, d[i-1][j]+1, d[i][j-1]+1)
		}
	}
	orig := []rune(phrase)
	paraText := m.f.unit.Paragraphs[m.f.para].Text
	planRune := func(j int) string { // j-th rune of the window, as printed
		b := m.f.bytes[m.start+j]
		r, _ := utf8.DecodeRuneInString(paraText[b:])
		return string(r)
	}
	type step struct {
		eq       bool
		ph, plan string
	}
	var steps []step
	i, j := len(p), len(w)
	for i > 0 || j > 0 {
		switch {
		case i > 0 && j > 0 && p[i-1] == w[j-1] && d[i][j] == d[i-1][j-1]:
			steps = append(steps, step{true, string(orig[pidx[i-1]]), planRune(j - 1)})
			i, j = i-1, j-1
		case i > 0 && j > 0 && d[i][j] == d[i-1][j-1]+1:
			steps = append(steps, step{false, string(orig[pidx[i-1]]), planRune(j - 1)})
			i, j = i-1, j-1
		case i > 0 && d[i][j] == d[i-1][j]+1:
			steps = append(steps, step{false, string(orig[pidx[i-1]]), ""})
			i--
		default:
			steps = append(steps, step{false, "", planRune(j - 1)})
			j--
		}
	}
	var ops []DiffOp
	for k := len(steps) - 1; k >= 0; k-- {
		s := steps[k]
		if n := len(ops); n > 0 && ops[n-1].Equal == s.eq {
			ops[n-1].Phrase += s.ph
			ops[n-1].Plan += s.plan
			continue
		}
		ops = append(ops, DiffOp{Equal: s.eq, Phrase: s.ph, Plan: s.plan})
	}
	return ops
}
