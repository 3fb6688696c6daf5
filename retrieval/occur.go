package retrieval

import (
	"math/bits"
	"slices"
	"strings"
	"unicode/utf8"
)

// bitset is a set of entry (clause) indexes.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) set(i int)      { b[i/64] |= 1 << (i % 64) }
func (b bitset) has(i int) bool { return b != nil && b[i/64]&(1<<(i%64)) != 0 }

// or adds o's elements to b (a nil o is empty).
func (b bitset) or(o bitset) {
	for i := range o {
		b[i] |= o[i]
	}
}

func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// intersects reports whether b and o share an element.
func (b bitset) intersects(o bitset) bool {
	for i := range b {
		if b[i]&o[i] != 0 {
			return true
		}
	}
	return false
}

// gramIndex maps every character and every pair of adjacent characters of a
// list of normalised texts (the clauses, or the unit titles) to the texts
// holding it. Finding which texts contain a string is then an intersection of
// pair sets plus a check of the few candidates, instead of a scan of the whole
// plan for every word of every question.
type gramIndex struct {
	texts []string
	grams map[string]bitset
}

func newGramIndex(texts []string) gramIndex {
	g := gramIndex{texts: texts, grams: map[string]bitset{}}
	for i, t := range texts {
		rs := []rune(t)
		for k := range rs {
			g.add(string(rs[k]), i)
			if k+1 < len(rs) {
				g.add(string(rs[k:k+2]), i)
			}
		}
	}
	return g
}

func (g gramIndex) add(gram string, i int) {
	b, ok := g.grams[gram]
	if !ok {
		b = newBitset(len(g.texts))
		g.grams[gram] = b
	}
	b.set(i)
}

// containing returns the texts that contain s.
func (g gramIndex) containing(s string) bitset {
	out := newBitset(len(g.texts))
	g.addContaining(out, s)
	return out
}

// addContaining adds to out the texts that contain s.
func (g gramIndex) addContaining(out bitset, s string) {
	_, n0 := utf8.DecodeRuneInString(s)
	if n0 == 0 {
		return
	}
	if n0 == len(s) {
		out.or(g.grams[s])
		return
	}
	_, n1 := utf8.DecodeRuneInString(s[n0:])
	first, ok := g.grams[s[:n0+n1]]
	if !ok {
		return
	}
	if n0+n1 == len(s) {
		out.or(first)
		return
	}
	// Three runes or more: texts holding every pair, checked letter for letter.
	cand := slices.Clone(first)
	for k := n0; k < len(s); {
		_, a := utf8.DecodeRuneInString(s[k:])
		if k+a == len(s) {
			break
		}
		_, b := utf8.DecodeRuneInString(s[k+a:])
		pair, ok := g.grams[s[k:k+a+b]]
		if !ok {
			return
		}
		for w := range cand {
			cand[w] &= pair[w]
		}
		k += a
	}
	for w, x := range cand {
		for x != 0 {
			i := w*64 + bits.TrailingZeros64(x)
			x &= x - 1
			if strings.Contains(g.texts[i], s) {
				out.set(i)
			}
		}
	}
}
