package answers

import (
	"strings"
	"unicode/utf8"

	"planbot/retrieval"
)

// JSONHit is one hit for scripts and evaluation: where it is and what it quotes.
type JSONHit struct {
	Article int     `json:"article"` // 0 for chapter introductions, preface, closing
	Chapter int     `json:"chapter"` // 0 for preface and closing
	Title   string  `json:"title"`   // the unit's title as printed
	Quote   string  `json:"quote"`   // the quoted clauses, verbatim, without marks
	Score   float64 `json:"score"`
	Unit    string  `json:"unit"` // Unit.Key: "5", "ch2", "preface", "closing"
}

// JSONResult is a Result for machines: the question, whether the plan covers
// it and the hits, best first. Hits is [] rather than null when there are none.
type JSONResult struct {
	Query string    `json:"query"`
	Found bool      `json:"found"`
	Hits  []JSONHit `json:"hits"`
}

// JSON maps a result to its JSON form without any budget. A hit's quotes are
// joined as the answers show them: clauses of one paragraph run on, a
// paragraph break is "\n", and "……" stands where clauses were skipped (the
// plan itself contains no "……", so splitting on it gives verbatim pieces).
func JSON(r retrieval.Result) JSONResult {
	out := JSONResult{Query: r.Query, Found: r.Found, Hits: []JSONHit{}}
	for _, h := range r.Hits {
		jh := JSONHit{Score: h.Score, Quote: style{}.quotesText(validQuotes(h.Quotes))}
		if u := h.Unit; u != nil {
			jh.Article, jh.Chapter, jh.Title, jh.Unit = u.Article, u.Chapter, u.Title, u.Key
		}
		out.Hits = append(out.Hits, jh)
	}
	return out
}

// Snippet is a one-line plain description of a hit, for inline-mode results:
// its first quote, cut to max runes at the last clause or comma boundary that
// fits, followed by "…" (between characters only when no boundary fits).
// Without a quote it is the unit's title; max <= 0 gives "".
func Snippet(h retrieval.Hit, max int) string {
	if max <= 0 {
		return ""
	}
	text := ""
	if qs := validQuotes(h.Quotes); len(qs) > 0 {
		text = qs[0].Clause.Text
	} else if h.Unit != nil {
		text = displayTitle(h.Unit.Title)
	}
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= max {
		return text
	}
	cuts := cutPoints(text, sentenceAt)
	for i := len(cuts) - 1; i >= 0; i-- {
		if utf8.RuneCountInString(text[:cuts[i]]) < max {
			return text[:cuts[i]] + ellipsis
		}
	}
	return string([]rune(text)[:max-1]) + ellipsis
}
