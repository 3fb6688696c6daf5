// Package seeds holds the plan text, embedded so the binary needs no files beside it.
//
// The text is kept exactly as it was copied, residue included; parsing belongs to
// package retrieval.
package seeds

import _ "embed"

//go:embed dongyang-14th-five-year-plan-proposal.txt
var dongyang []byte

// Dongyang returns the text of 《中共东阳市委关于制定东阳市国民经济和社会发展第十四个五年规划和
// 二〇三五年远景目标的建议》 as copied from the web, first line of page residue included.
// It returns a fresh copy so no caller can change what another reads.
func Dongyang() []byte {
	return append([]byte(nil), dongyang...)
}

// Plan describes one embedded document: a short name used in answers when several
// plans are loaded, where its text came from, and the layout facts the parser
// needs (how many leading lines are page residue, how many final paragraphs
// are the closing rather than part of the last article).
type Plan struct {
	Name              string
	Source            string
	Text              []byte
	SkipLines         int
	ClosingParagraphs int
}

// All lists every embedded plan. Adding a second plan is a new file plus an entry here.
func All() []Plan {
	return []Plan{{
		Name:   "东阳十四五建议",
		Source: "中共东阳市委十五届九次全会2021年1月15日通过；文本录自网易新闻转载的全文",
		Text:   Dongyang(),
		// "打开网易新闻 查看更多图片" is residue of the page the text was copied from.
		SkipLines:         1,
		ClosingParagraphs: 1,
	}}
}
