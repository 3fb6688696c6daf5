package retrieval

import (
	"strings"
	"unicode"
)

// Normalize folds text into the form both the index and questions are searched
// in: full-width Latin, digits and punctuation to ASCII, the ratio colon ∶ to ':',
// lower case, and digit-by-digit Chinese years (二〇三五 → 2035). It maps rune to
// rune, so the n-th rune of the result stands for the n-th rune of the input;
// that keeps the offsets of matches valid in the original text.
func Normalize(s string) string {
	rs := []rune(s)
	for i, r := range rs {
		rs[i] = foldRune(r)
	}
	digitYears(rs)
	return string(rs)
}

func foldRune(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFEE0
	case r == 0x3000:
		r = ' '
	case r == '∶':
		r = ':'
	}
	return unicode.ToLower(r)
}

// digitYears rewrites runs of Chinese digits written digit by digit, as years
// are (二〇二〇, 二〇三五), into Arabic digits. A run counts when it has a 〇, or
// has four digits and is followed by 年; counting numerals such as 十四五 or
// 一二三 are left alone.
func digitYears(rs []rune) {
	for i := 0; i < len(rs); {
		j := i
		zero := false
		for j < len(rs) && isCNDigit(rs[j]) {
			zero = zero || rs[j] == '〇' || rs[j] == '○'
			j++
		}
		n := j - i
		if n >= 2 && (zero && n >= 3 || n == 4 && j < len(rs) && rs[j] == '年') {
			for k := i; k < j; k++ {
				rs[k] = rune('0' + cnDigit[rs[k]])
			}
		}
		if j == i {
			j++
		}
		i = j
	}
}

func isCNDigit(r rune) bool {
	_, ok := cnDigit[r]
	return ok && r != '两' && r != '零'
}

// canonical folds text for wording checks: Normalize, then drop whitespace and
// quotation marks (people quote a phrase with or without the plan's “”), and
// map dashes to one representative ("，" and "," or "；" and ";" are already
// equal after Normalize). It returns the folded runes and, for each, the
// index of the rune of s it came from.
func canonical(s string) ([]rune, []int) {
	src := []rune(Normalize(s))
	out := make([]rune, 0, len(src))
	idx := make([]int, 0, len(src))
	for i, r := range src {
		if unicode.IsSpace(r) || quoteMarks[r] {
			continue
		}
		if r == '—' || r == '―' {
			r = '-'
		}
		out = append(out, r)
		idx = append(idx, i)
	}
	return out, idx
}

var quoteMarks = map[rune]bool{'“': true, '”': true, '"': true, '‘': true, '’': true, '\'': true, '「': true, '」': true, '『': true, '』': true}

// runeOffsets returns the byte offset of each rune of s, plus len(s) at the end.
func runeOffsets(s string) []int {
	offs := make([]int, 0, len(s)/3+1)
	for i := range s {
		offs = append(offs, i)
	}
	return append(offs, len(s))
}

// stripQuotes removes quotation marks around terms (“十四五” → 十四五).
func stripQuotes(s string) string { return quoteBlanker.Replace(s) }

// quoteBlanker is built once: a Replacer builds its lookup table on first use.
var quoteBlanker = strings.NewReplacer("“", " ", "”", " ", "\"", " ", "「", " ", "」", " ", "《", " ", "》", " ")
