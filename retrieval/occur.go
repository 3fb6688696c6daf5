package retrieval

import (
	"math/bits"
	"strings"
)

// bitset is a set of entry (clause) indexes.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) set(i int)      { b[i/64] |= 1 << (i % 64) }
func (b bitset) has(i int) bool { return b != nil && b[i/64]&(1<<(i%64)) != 0 }

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

// gramIndex maps every character and every pair of adjacent characters of the
// normalised clauses to the clauses holding it. Finding which clauses contain a
// string is then an intersection of pair sets plus a check of the few
// candidates, instead of a scan of the whole plan for every word of every
// question.
type gramIndex struct {
	n     int
	grams map[string]bitset
}

func newGramIndex(entries []entry) gramIndex {
	g := gramIndex{n: len(entries), grams: map[string]bitset{}}
	for i, en := range entries {
		rs := []rune(en.norm)
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
		b = newBitset(g.n)
		g.grams[gram] = b
	}
	b.set(i)
}

// containing returns the clauses whose normalised text contains s.
func (e *Engine) containing(s string) bitset {
	out := newBitset(len(e.entries))
	rs := []rune(s)
	if len(rs) == 0 {
		return out
	}
	if len(rs) == 1 {
		copy(out, e.grams.grams[s])
		return out
	}
	first, ok := e.grams.grams[string(rs[:2])]
	if !ok {
		return out
	}
	copy(out, first)
	for k := 1; k+1 < len(rs); k++ {
		pair, ok := e.grams.grams[string(rs[k:k+2])]
		if !ok {
			return newBitset(len(e.entries))
		}
		for w := range out {
			out[w] &= pair[w]
		}
	}
	if len(rs) > 2 {
		for i := range e.entries {
			if out.has(i) && !strings.Contains(e.entries[i].norm, s) {
				out[i/64] &^= 1 << (i % 64)
			}
		}
	}
	return out
}
