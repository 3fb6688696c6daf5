package retrieval

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// ParseOptions describes the layout of one plan's text, so that a second plan
// is data plus these settings rather than new code.
type ParseOptions struct {
	Name   string // short name of the document
	Source string // provenance, shown by /about
	// SkipLines is how many leading lines are residue of the page the text was
	// copied from ("打开网易新闻 查看更多图片") and are not part of the plan.
	SkipLines int
	// ClosingParagraphs is how many final paragraphs form the closing rather than
	// belonging to the last article.
	ClosingParagraphs int
}

// ErrMalformed is returned when the text does not have the expected layout.
var ErrMalformed = errors.New("malformed plan text")

var (
	chapterRe = regexp.MustCompile(`^([一二三四五六七八九十]+)、(.+)$`)
	articleRe = regexp.MustCompile(`^([0-9]{1,3})[.．](.+)$`)
	adoptedRe = regexp.MustCompile(`^[(（](.+通过)[)）]$`)
)

// Parse turns a plan's text into its title, adoption note, preface, chapters,
// articles and closing, and cuts every paragraph into clauses.
func Parse(text []byte, opt ParseOptions) (*Document, error) {
	if !utf8.Valid(text) {
		return nil, fmt.Errorf("%w: not UTF-8", ErrMalformed)
	}
	lines := strings.Split(strings.ReplaceAll(string(text), "\r\n", "\n"), "\n")
	if opt.SkipLines > len(lines) {
		return nil, fmt.Errorf("%w: shorter than %d lines", ErrMalformed, opt.SkipLines)
	}
	var paras []string
	for _, l := range lines[opt.SkipLines:] {
		if l = strings.TrimSpace(l); l != "" {
			paras = append(paras, l)
		}
	}
	if len(paras) < 3+opt.ClosingParagraphs {
		return nil, fmt.Errorf("%w: only %d paragraphs", ErrMalformed, len(paras))
	}
	d := &Document{Name: opt.Name, Source: opt.Source, Title: paras[0]}
	if m := adoptedRe.FindStringSubmatch(paras[1]); m != nil {
		d.Adopted = m[1]
	}
	p := &parser{doc: d}
	p.open(&Unit{Kind: KindPreface, Title: "序言"})
	body, closing := paras[:len(paras)-opt.ClosingParagraphs], paras[len(paras)-opt.ClosingParagraphs:]
	for _, line := range body {
		if err := p.line(line); err != nil {
			return nil, err
		}
	}
	if len(closing) > 0 {
		p.open(&Unit{Kind: KindClosing, Title: "结束语"})
		for _, line := range closing {
			p.paragraph(line)
		}
	}
	return d, p.check()
}

type parser struct {
	doc *Document
	cur *Unit
}

func (p *parser) open(u *Unit) {
	u.Key = unitKey(u.Kind, u.Chapter, u.Article)
	p.doc.Units = append(p.doc.Units, u)
	p.cur = u
}

func (p *parser) line(line string) error {
	if m := chapterRe.FindStringSubmatch(line); m != nil {
		n := chineseToInt(m[1])
		if n != len(p.doc.Chapters)+1 {
			return fmt.Errorf("%w: chapter %s out of order", ErrMalformed, m[1])
		}
		p.doc.Chapters = append(p.doc.Chapters, Chapter{Number: n, Numeral: m[1], Title: m[2]})
		p.open(&Unit{Kind: KindChapterIntro, Chapter: n, ChapterTitle: m[2], Title: m[2]})
		return nil
	}
	if m := articleRe.FindStringSubmatch(line); m != nil && len(p.doc.Chapters) > 0 {
		if n := atoi(m[1]); n == p.lastArticle()+1 {
			ch := &p.doc.Chapters[len(p.doc.Chapters)-1]
			ch.Articles = append(ch.Articles, n)
			p.dropEmptyIntro()
			p.open(&Unit{Kind: KindArticle, Chapter: ch.Number, ChapterTitle: ch.Title, Article: n, Title: m[2]})
			return nil
		}
	}
	p.paragraph(line)
	return nil
}

// dropEmptyIntro removes a chapter introduction that turned out to have no text
// (chapter 一 goes straight to article 1).
func (p *parser) dropEmptyIntro() {
	if p.cur != nil && p.cur.Kind == KindChapterIntro && len(p.cur.Paragraphs) == 0 {
		p.doc.Units = p.doc.Units[:len(p.doc.Units)-1]
	}
}

func (p *parser) lastArticle() int {
	n := 0
	for _, c := range p.doc.Chapters {
		if k := len(c.Articles); k > 0 {
			n = c.Articles[k-1]
		}
	}
	return n
}

func (p *parser) paragraph(text string) {
	u := p.cur
	para := Paragraph{Text: text}
	for i, s := range SplitClauses(text) {
		id := len(p.doc.Clauses)
		p.doc.Clauses = append(p.doc.Clauses, Clause{ID: id, Text: s, Unit: u, Paragraph: len(u.Paragraphs), Position: i})
		para.Clauses = append(para.Clauses, id)
	}
	u.Paragraphs = append(u.Paragraphs, para)
}

func (p *parser) check() error {
	for _, u := range p.doc.Units {
		if len(u.Paragraphs) == 0 {
			return fmt.Errorf("%w: %s has no text", ErrMalformed, u.Label())
		}
	}
	if len(p.doc.Chapters) == 0 {
		return fmt.Errorf("%w: no chapters", ErrMalformed)
	}
	return nil
}

// SplitClauses cuts a paragraph into sentences after 。；;！!？?, keeping each
// terminator with its sentence, never inside “…” (a quoted name such as
// “影视旅游名城、经济文化强市、生态宜居东阳” stays whole). The pieces joined give
// back the input exactly.
func SplitClauses(text string) []string {
	var out []string
	start, depth := 0, 0
	for i, r := range text {
		switch r {
		case '“':
			if strings.ContainsRune(text[i:], '”') {
				depth++
			}
		case '”':
			if depth > 0 {
				depth--
			}
		case '。', '；', ';', '！', '!', '？', '?':
			if depth == 0 {
				end := i + utf8.RuneLen(r)
				out = append(out, text[start:end])
				start = end
			}
		}
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}
