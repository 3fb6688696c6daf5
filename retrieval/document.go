package retrieval

import (
	"fmt"
	"strconv"
)

// Kind says what sort of passage a Unit is. Answers name articles by number and
// the other kinds by what they are, so the kind travels with every hit.
type Kind int

// The kinds of unit a plan is made of, in reading order.
const (
	KindPreface Kind = iota // title, adoption note and the text before chapter 一
	KindChapterIntro
	KindArticle
	KindClosing
)

// String names the kind for logs and JSON.
func (k Kind) String() string {
	switch k {
	case KindPreface:
		return "preface"
	case KindChapterIntro:
		return "chapter"
	case KindArticle:
		return "article"
	case KindClosing:
		return "closing"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Document is one plan parsed into the units people cite. Units are in reading
// order and every clause of the text belongs to exactly one of them.
type Document struct {
	Name     string // short name, shown when several plans are loaded
	Source   string // where the text comes from, for /about
	Title    string
	Adopted  string // the adoption note, without its brackets
	Chapters []Chapter
	Units    []*Unit
	Clauses  []Clause // every clause of every unit, in reading order; Clause.ID indexes it
}

// Chapter is one of the numbered parts (一、…十一、) of the plan.
type Chapter struct {
	Number   int
	Numeral  string // 一, 二 … 十一, as printed
	Title    string
	Articles []int // article numbers in this chapter
}

// Unit is an article, a chapter introduction, the preface or the closing: the
// passage a hit points at and the thing "全文" shows.
type Unit struct {
	Key          string // "5", "ch2", "preface", "closing": the evaluation's names
	Kind         Kind
	Chapter      int // 0 for preface and closing
	ChapterTitle string
	Article      int    // 0 unless Kind is KindArticle
	Title        string // article title; chapter title for an introduction
	Paragraphs   []Paragraph
}

// Paragraph is one line of the source: its exact text and the clauses cut from it.
type Paragraph struct {
	Text    string
	Clauses []int // indexes into Document.Clauses
}

// Clause is one sentence, the smallest thing quoted. Text is exactly as printed.
type Clause struct {
	ID        int
	Text      string
	Unit      *Unit
	Paragraph int // index in Unit.Paragraphs
	Position  int // index within the paragraph
}

// Label names a unit the way a reader cites it: 第5条, 第二章引言, 序言, 结束语.
func (u *Unit) Label() string {
	switch u.Kind {
	case KindArticle:
		return "第" + strconv.Itoa(u.Article) + "条"
	case KindChapterIntro:
		return "第" + chineseNumeral(u.Chapter) + "章引言"
	case KindPreface:
		return "序言"
	default:
		return "结束语"
	}
}

// Text is the unit's full text, paragraphs joined by newlines.
func (u *Unit) Text() string {
	s := ""
	for i, p := range u.Paragraphs {
		if i > 0 {
			s += "\n"
		}
		s += p.Text
	}
	return s
}

// Article returns article n, or nil when the plan has no such article.
func (d *Document) Article(n int) *Unit {
	for _, u := range d.Units {
		if u.Kind == KindArticle && u.Article == n {
			return u
		}
	}
	return nil
}

// Unit returns the unit with the given key ("12", "ch3", "preface", "closing").
func (d *Document) Unit(key string) *Unit {
	for _, u := range d.Units {
		if u.Key == key {
			return u
		}
	}
	return nil
}

// ArticleCount is the highest article number, for range messages.
func (d *Document) ArticleCount() int {
	n := 0
	for _, u := range d.Units {
		if u.Kind == KindArticle && u.Article > n {
			n = u.Article
		}
	}
	return n
}

// ClauseText returns the text of clause id.
func (d *Document) ClauseText(id int) string { return d.Clauses[id].Text }

func unitKey(k Kind, chapter, article int) string {
	switch k {
	case KindArticle:
		return strconv.Itoa(article)
	case KindChapterIntro:
		return fmt.Sprintf("ch%d", chapter)
	case KindPreface:
		return "preface"
	}
	return "closing"
}
