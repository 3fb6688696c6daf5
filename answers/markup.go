package answers

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"planbot/retrieval"
)

// ellipsis ends text shortened to fit (an echoed question, a heading); the
// plan's own sentences are never shortened this way.
const ellipsis = "…"

// style renders for one Format: in Plain every method leaves text as it is.
type style struct{ html bool }

// esc escapes text for Telegram HTML. Only &, <, > and " need it; all are
// ASCII, so the bytes in between are copied untouched.
func (s style) esc(t string) string {
	if !s.html {
		return t
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(t); i++ {
		var rep string
		switch t[i] {
		case '&':
			rep = "&amp;"
		case '<':
			rep = "&lt;"
		case '>':
			rep = "&gt;"
		case '"':
			rep = "&quot;"
		default:
			continue
		}
		b.WriteString(t[last:i])
		b.WriteString(rep)
		last = i + 1
	}
	if last == 0 {
		return t
	}
	b.WriteString(t[last:])
	return b.String()
}

// wrap puts already rendered inner text in a tag; empty text gets no tag,
// because Telegram rejects empty entities.
func (s style) wrap(tag, inner string) string {
	if !s.html || inner == "" {
		return inner
	}
	return "<" + tag + ">" + inner + "</" + tag + ">"
}

// marked renders text with the spans in bold. Spans out of range are clipped
// or ignored, spans inside a UTF-8 sequence widen to whole characters, and
// overlapping or touching spans merge, so the result is always well formed.
func (s style) marked(text string, marks []retrieval.Span) string {
	if !s.html {
		return text
	}
	var b strings.Builder
	at := 0
	for _, sp := range normalizeSpans(text, marks) {
		b.WriteString(s.esc(text[at:sp.Start]))
		b.WriteString(s.wrap("b", s.esc(text[sp.Start:sp.End])))
		at = sp.End
	}
	b.WriteString(s.esc(text[at:]))
	return b.String()
}

// normalizeSpans returns the spans clipped to text, widened to character
// boundaries, sorted and merged.
func normalizeSpans(text string, marks []retrieval.Span) []retrieval.Span {
	var out []retrieval.Span
	for _, m := range marks {
		st, en := max(m.Start, 0), min(m.End, len(text))
		if st >= en {
			continue
		}
		for st > 0 && !utf8.RuneStart(text[st]) {
			st--
		}
		for en < len(text) && !utf8.RuneStart(text[en]) {
			en++
		}
		out = append(out, retrieval.Span{Start: st, End: en})
	}
	slices.SortFunc(out, func(a, b retrieval.Span) int { return a.Start - b.Start })
	merged := out[:0]
	for _, sp := range out {
		if n := len(merged); n > 0 && sp.Start <= merged[n-1].End {
			merged[n-1].End = max(merged[n-1].End, sp.End)
			continue
		}
		merged = append(merged, sp)
	}
	return merged
}

// headLine names a unit the way it is cited: "第5条 title" for an article,
// the label alone for the others (their title is the chapter's, or the label
// itself). docName, when set, comes first in 《》.
func headLine(u *retrieval.Unit, docName string) string {
	h := ""
	if docName != "" {
		h = "《" + docName + "》"
	}
	if u == nil {
		return h
	}
	h += u.Label()
	if t := displayTitle(u.Title); u.Kind == retrieval.KindArticle && t != "" {
		h += " " + t
	}
	return h
}

// chapterLine is "第一章 title" for units inside a chapter, "" for the
// preface and the closing.
func chapterLine(u *retrieval.Unit) string {
	if u == nil || u.Chapter <= 0 {
		return ""
	}
	t := u.ChapterTitle
	if t == "" && u.Kind == retrieval.KindChapterIntro {
		t = u.Title
	}
	return strings.TrimSpace(chapterName(u.Chapter) + " " + displayTitle(t))
}

// chapterName is "第一章" … "第十一章".
func chapterName(n int) string { return "第" + numeral(n) + "章" }

// displayTitle drops the one full stop that ends most article titles.
func displayTitle(t string) string { return strings.TrimSuffix(t, "。") }

// numeral writes 1…99 in Chinese numerals as chapters are numbered.
func numeral(n int) string {
	const digits = "〇一二三四五六七八九"
	d := func(k int) string { return string([]rune(digits)[k]) }
	switch {
	case n <= 0 || n >= 100:
		return strconv.Itoa(n)
	case n < 10:
		return d(n)
	case n == 10:
		return "十"
	case n < 20:
		return "十" + d(n%10)
	case n%10 == 0:
		return d(n/10) + "十"
	}
	return d(n/10) + "十" + d(n%10)
}

// fitText renders text, or the longest prefix of it followed by "…", within
// budget. It is for echoed questions and headings, never for quotations.
func fitText(budget int, render func(string) string, text string) (string, bool) {
	if out := render(text); Size(out) <= budget {
		return out, true
	}
	rs := []rune(text)
	cand := func(n int) string { return render(string(rs[:n]) + ellipsis) }
	lo, hi := 0, len(rs)-1 // longest n in [lo, hi] that fits; sizes grow with n
	if hi < 0 || Size(cand(0)) > budget {
		return "", false
	}
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if Size(cand(mid)) <= budget {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return cand(lo), true
}
