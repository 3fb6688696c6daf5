package answers

import (
	"fmt"
	"strings"

	"planbot/retrieval"
)

// Check is the reply to a wording check. When the phrase is in the plan it
// counts the occurrences and shows every place (titles first, then each
// clause with the occurrence marked); otherwise it shows the closest clause
// and what differs, so an official can correct a draft against the original.
func Check(c retrieval.CheckResult, o Options) string {
	s, budget := o.style(), o.budget()
	phrase := strings.TrimSpace(c.Phrase)
	if c.Verbatim {
		return s.checkFound(c, phrase, o.ShowDoc, budget)
	}
	if c.Closest == nil || c.Closest.Clause == nil {
		return s.checkNothing(phrase, o.Hint, budget)
	}
	return s.checkClosest(c, phrase, budget)
}

func (s style) checkFound(c retrieval.CheckResult, phrase string, showDoc bool, budget int) string {
	ps := groupLocations(validQuotes(c.Locations))
	n := 0
	for _, p := range ps {
		for _, q := range p.quotes {
			n += max(1, len(q.Marks))
		}
	}
	for _, t := range c.Titles {
		n += max(1, len(t.Marks))
	}
	intro := func(p string) string { return s.esc(fmt.Sprintf("“%s”在规划中原文出现 %d 处：", p, n)) }
	l := layout{lead: intro(phrase) + s.titles(c.Titles, showDoc), passages: ps, note: noteMoreFmt}
	if out, ok := s.fit(l, budget); ok {
		return out
	}
	note := s.esc(fmt.Sprintf(noteMoreFmt, n))
	if out, ok := fitText(budget, func(p string) string { return intro(p) + "\n\n" + note }, phrase); ok {
		return out
	}
	return ellipsis
}

// groupLocations puts the places of a check into passages, one per run of
// places in the same unit; two occurrences in one clause become one quote
// with two marks.
func groupLocations(locs []retrieval.Quote) []passage {
	var ps []passage
	for _, q := range locs {
		q.Marks = append([]retrieval.Span(nil), q.Marks...)
		if n := len(ps); n > 0 {
			last := &ps[n-1]
			prev := &last.quotes[len(last.quotes)-1]
			switch {
			case prev.Clause.Unit == q.Clause.Unit && prev.Clause.ID == q.Clause.ID:
				prev.Marks = append(prev.Marks, q.Marks...)
				continue
			case prev.Clause.Unit == q.Clause.Unit:
				last.quotes = append(last.quotes, q)
				continue
			}
		}
		ps = append(ps, passage{head: headLine(q.Clause.Unit, ""), quotes: []retrieval.Quote{q}})
	}
	return ps
}

// titles renders the titles a phrase occurs in, one line each, after a
// blank line; "" when there are none.
func (s style) titles(ts []retrieval.TitleMatch, showDoc bool) string {
	var lines []string
	for _, t := range ts {
		if t.Unit == nil {
			continue
		}
		name := t.Unit.Label()
		if t.Unit.Kind == retrieval.KindChapterIntro {
			name = chapterName(t.Unit.Chapter)
		}
		if showDoc && t.Doc != nil {
			name = "《" + t.Doc.Name + "》" + name
		}
		lines = append(lines, s.esc(name+" ")+s.marked(displayTitle(t.Unit.Title), t.Marks))
	}
	if len(lines) == 0 {
		return ""
	}
	return "\n\n" + s.wrap("i", "出现在标题中：") + "\n" + strings.Join(lines, "\n")
}

func (s style) checkNothing(phrase, hint string, budget int) string {
	render := func(p string) string {
		out := s.esc("规划中没有“" + p + "”的原文表述，也没有找到相近的内容。")
		if hint != "" {
			out += "\n" + s.esc(hint)
		}
		return out
	}
	if out, ok := fitText(budget, render, phrase); ok {
		return out
	}
	return ellipsis
}

// checkClosest shows the nearest clause with the aligned part marked and the
// differences; under a small budget the clause, then the differences go.
func (s style) checkClosest(c retrieval.CheckResult, phrase string, budget int) string {
	q := c.Closest
	where := headLine(q.Clause.Unit, "")
	lead := func(p string) string {
		out := s.esc("规划中没有“" + p + "”的原文表述。")
		if where == "" {
			return out + "最接近的原文是："
		}
		return out + "最接近的是" + s.wrap("b", s.esc(where)) + "："
	}
	quote := s.wrap("blockquote", s.marked(q.Clause.Text, q.Marks))
	diff := s.esc(diffLine(c.Diff))
	for _, parts := range [][]string{{lead(phrase), quote, diff}, {lead(phrase), diff}} {
		if out := joinLines(parts...); Size(out) <= budget {
			return out
		}
	}
	if out, ok := fitText(budget, lead, phrase); ok {
		return out
	}
	return ellipsis
}

// diffLine says what differs between the phrase and the plan, in the user's
// terms: what they wrote instead of the original, what they added, what they
// left out. "" when nothing differs.
func diffLine(ops []retrieval.DiffOp) string {
	var parts []string
	for _, op := range ops {
		switch {
		case op.Equal || op.Phrase == "" && op.Plan == "":
		case op.Plan == "":
			parts = append(parts, "您多写了“"+op.Phrase+"”")
		case op.Phrase == "":
			parts = append(parts, "原文还有“"+op.Plan+"”")
		default:
			parts = append(parts, "您写的“"+op.Phrase+"”，原文为“"+op.Plan+"”")
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "差异：" + strings.Join(parts, "；") + "。"
}

// joinLines joins the non-empty parts with line breaks.
func joinLines(parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, "\n")
}
