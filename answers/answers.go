// Package answers turns retrieval results into the text people read: plain
// text for the terminal and Telegram HTML for the bot.
//
// Every quotation is the plan's text letter for letter, whole sentences only:
// when a reply would be longer than its budget, whole clauses and then whole
// hits are left out and a note says so. The one exception is a single clause
// longer than the whole budget, which is cut at a comma and marked "……".
// The package does no I/O and knows neither bleve nor the Telegram library.
package answers

import (
	"fmt"
	"strings"
	"unicode/utf16"

	"planbot/retrieval"
)

// Format chooses the markup of the produced text.
type Format int

const (
	// Plain is for the terminal: no markup, marks not shown, so a quotation
	// copied from the screen is the plan's text exactly.
	Plain Format = iota
	// HTML is Telegram's HTML parse mode: marked spans in <b>, headings in
	// <b>/<i>, quotations in <blockquote>, everything else escaped.
	HTML
)

// MaxMessage is Telegram's limit on the text of one message, in UTF-16 code
// units after entity parsing; it is the budget when Options.Budget is 0.
const MaxMessage = 4096

// Options says how a reply is laid out. Callers copy their settings here so
// that this package never sees configuration.
type Options struct {
	Format Format
	// Budget is the most characters the produced string may have, tags and
	// entities included; 0 (or less) means MaxMessage. See Size for how
	// characters are counted.
	Budget int
	// ShowDoc prefixes each hit with the document's short name, for when
	// several plans are loaded.
	ShowDoc bool
	// Hint is what to suggest after "not found", e.g. "发送 /toc 查看目录".
	// It is text, escaped like everything else.
	Hint string
}

func (o Options) budget() int {
	if o.Budget <= 0 {
		return MaxMessage
	}
	return o.Budget
}

func (o Options) style() style { return style{html: o.Format == HTML} }

// Size is how budgets measure a string: UTF-16 code units of the text as
// produced, tags and entities included. That is never less than its number of
// runes, and never less than what Telegram counts after parsing the entities,
// so a string within a budget of MaxMessage is always accepted.
func Size(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// Notes of what a budget left out. They speak of places (处), not of hits or
// of a "more" command, so that every caller can use them as they are.
const (
	noteMoreFmt    = "……（篇幅所限，另有%d处未显示）"
	noteArticleFmt = "……（篇幅所限，全文余下%d句未显示）"
)

// Answer is the reply to a question: each hit's heading, chapter and quoted
// clauses, best hit first, or an honest "not found" followed by o.Hint. With
// r.ArticleRef the hit is shown whole, as far as the budget allows.
func Answer(r retrieval.Result, o Options) string {
	s, budget := o.style(), o.budget()
	var ps []passage
	for _, h := range r.Hits {
		if p, ok := hitPassage(h, r.ArticleRef, o.ShowDoc); ok {
			ps = append(ps, p)
		}
	}
	if !r.Found || len(ps) == 0 {
		switch {
		case r.ArticleRef && r.ArticleMax > 0:
			return s.fixed(fmt.Sprintf("规划共%d条，没有您要找的那一条：请发送第1条到第%d条之间的条款号。", r.ArticleMax, r.ArticleMax), o.Hint, budget)
		case r.Vague:
			return s.fixed("这个问题太笼统了：请说出想了解的具体方面，例如“人均预期寿命要达到多少岁”或“杭温高铁”。", o.Hint, budget)
		}
		return s.notFound(r.Query, o.Hint, budget)
	}
	l := layout{passages: ps, note: noteMoreFmt}
	if r.ArticleRef {
		l.note = noteArticleFmt
	}
	if out, ok := s.fit(l, budget); ok {
		return out
	}
	return s.headingOnly(ps[0].head, budget)
}

// hitPassage turns a hit into what is shown of it. A hit without a clause to
// quote is skipped: there is nothing verbatim to show.
func hitPassage(h retrieval.Hit, whole, showDoc bool) (passage, bool) {
	qs := validQuotes(h.Quotes)
	u := h.Unit
	if u == nil && len(qs) > 0 {
		u = qs[0].Clause.Unit
	}
	if whole && h.Doc != nil && u != nil {
		qs = wholeUnit(h.Doc, u, qs)
	}
	if len(qs) == 0 {
		return passage{}, false
	}
	name := ""
	if showDoc && h.Doc != nil {
		name = h.Doc.Name
	}
	return passage{head: headLine(u, name), chapter: chapterLine(u), quotes: qs}, true
}

func validQuotes(qs []retrieval.Quote) []retrieval.Quote {
	var out []retrieval.Quote
	for _, q := range qs {
		if q.Clause != nil {
			out = append(out, q)
		}
	}
	return out
}

// wholeUnit lists every clause of u in order, keeping the marks the hit's
// quotes carry, so that an article asked for by number is shown complete even
// if the hit quoted only part of it.
func wholeUnit(d *retrieval.Document, u *retrieval.Unit, qs []retrieval.Quote) []retrieval.Quote {
	marks := map[int][]retrieval.Span{}
	for _, q := range qs {
		marks[q.Clause.ID] = append(marks[q.Clause.ID], q.Marks...)
	}
	var out []retrieval.Quote
	for _, p := range u.Paragraphs {
		for _, id := range p.Clauses {
			if id < 0 || id >= len(d.Clauses) || d.Clauses[id].Unit != u {
				return qs // not this document's unit: keep what the hit quoted
			}
			out = append(out, retrieval.Quote{Clause: &d.Clauses[id], Marks: marks[id]})
		}
	}
	return out
}

// notFound says plainly that the plan does not cover the question, echoing
// the question (shortened if the budget demands) and adding the hint.
func (s style) notFound(query, hint string, budget int) string {
	query = strings.TrimSpace(query)
	render := func(q string) string {
		var b strings.Builder
		if query == "" {
			b.WriteString("规划中没有找到相关内容。")
		} else {
			b.WriteString("规划中没有找到与“" + s.esc(q) + "”直接相关的内容。")
		}
		if hint != "" {
			b.WriteString("\n" + s.esc(hint))
		}
		return b.String()
	}
	if out, ok := fitText(budget, render, query); ok {
		return out
	}
	hint = ""
	if out, ok := fitText(budget, render, query); ok {
		return out
	}
	return ellipsis
}

// fixed is a reply of our own words plus the hint, within the budget.
func (s style) fixed(text, hint string, budget int) string {
	render := func(h string) string {
		if h == "" {
			return s.esc(text)
		}
		return s.esc(text) + "\n" + s.esc(h)
	}
	if out, ok := fitText(budget, render, hint); ok {
		return out
	}
	if out, ok := fitText(budget, func(string) string { return s.esc(text) }, ""); ok {
		return out
	}
	return ellipsis
}

// headingOnly is the last resort when not even one clause fits: the first
// hit's heading, shortened as needed, or a bare ellipsis.
func (s style) headingOnly(head string, budget int) string {
	render := func(t string) string { return s.wrap("b", s.esc(t)) }
	if out, ok := fitText(budget, render, head); ok {
		return out
	}
	return ellipsis
}
