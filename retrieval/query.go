package retrieval

import (
	"math"

	"planbot/retrieval/jieba"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// concept is one content word of a question with the ways the plan may say it.
type concept struct {
	surface string   // as asked (normalised)
	alts    []string // surface first, then the official terms it stands for
	weight  float64  // rarer in the plan = more telling
	hint    bool     // says what kind of passage is wanted; ranks, does not count as content
	unknown bool     // the plan never uses it: not searched (its sub-words would depend on the dictionary)
	bits    bitset   // clauses mentioning some wording
	inTitle bitset   // units whose title mentions some wording
	pairs   []bitset // clauses holding each character pair of a long surface, for partial credit
}

// fragment is a run of content words as typed, a candidate for verbatim match.
type fragment struct {
	text    string
	runes   int
	bits    bitset // clauses containing it
	inTitle bitset
}

// question is a question read for searching.
type question struct {
	norm      string
	concepts  []concept
	fragments []fragment // maximal runs of content words, as typed: verbatim candidates
	article   int        // > 0 when the question names an article (第12条)
	articleOK bool       // the named article exists
}

var articleRef = regexp.MustCompile(`^\s*第?\s*([0-9]{1,3}|[一二三四五六七八九十百零〇两]{1,5})\s*条\s*$|第\s*([0-9]{1,3}|[一二三四五六七八九十百零〇两]{1,5})\s*条`)

// blankANotA reads the "A不A" question form (难不难, 好不好, 安不安全), which
// asks whether A, as A: "A不" becomes spaces, keeping the rune count.
func blankANotA(s string) string {
	rs := []rune(s)
	for i := 0; i+2 < len(rs); i++ {
		if (rs[i+1] == '不' || rs[i+1] == '没') && rs[i] == rs[i+2] && unicode.Is(unicode.Han, rs[i]) {
			rs[i], rs[i+1] = ' ', ' ' // the second A stays with what follows: 安不安全 → 安全
		}
	}
	return string(rs)
}

// analyse validates and reads a question: normalisation, article references,
// synonyms, filler removal and concept weights.
func (e *Engine) analyse(q string) (question, error) {
	if !utf8.ValidString(q) {
		return question{}, ErrInvalidUTF8
	}
	q = Compact(q)
	if rs := []rune(q); len(rs) > MaxQueryRunes {
		q = string(rs[:MaxQueryRunes])
	}
	norm := strings.TrimSpace(Normalize(stripQuotes(q)))
	if strings.IndexFunc(norm, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) < 0 {
		return question{}, ErrEmptyQuery
	}
	qu := question{norm: blankANotA(norm)}
	if m := articleRef.FindStringSubmatch(norm); m != nil {
		num := m[1] + m[2]
		n, err := strconv.Atoi(num)
		if err != nil {
			n = chineseToInt(num)
		}
		qu.article = n
		for _, d := range e.docs {
			qu.articleOK = qu.articleOK || d.Article(n) != nil
		}
		return qu, nil
	}
	e.readConcepts(&qu)
	return qu, nil
}

// readConcepts cuts the question into words, drops fillers, folds words covered
// by a colloquial synonym into one concept, and weighs each concept by how rare
// its wordings are in the plan.
func (e *Engine) readConcepts(qu *question) {
	words := e.seg.Words(qu.norm)
	syn := e.synonymSpans(qu.norm)
	var frag strings.Builder
	flush := func() {
		if frag.Len() > 0 {
			f := frag.String()
			qu.fragments = append(qu.fragments, fragment{text: f, runes: utf8.RuneCountInString(f), bits: e.grams.containing(f), inTitle: e.titleGrams.containing(f)})
			frag.Reset()
		}
	}
	// What the last concept added was, for gluing: adjacent words the plan
	// never uses, and single characters next to them, are one unknown thing
	// (养|猫, 灾|年 in 种地碰上灾年): kept whole, an unknown word weighs as one
	// absent concept however the dictionary happens to cut it.
	const (
		none = iota
		unknown
		char
		known
	)
	last, seen, state := -1, map[string]bool{}, none
	add := func(c concept, k int) {
		if state == unknown && (k == unknown || k == char) || state == char && k == unknown {
			prev := &qu.concepts[len(qu.concepts)-1]
			prev.surface += c.surface
			prev.alts[0] = prev.surface
			prev.unknown = true
			state = unknown
			return
		}
		state = k
		c.unknown = k == unknown
		if seen[c.surface] {
			state = none
			return
		}
		seen[c.surface] = true
		qu.concepts = append(qu.concepts, c)
	}
	for _, w := range words {
		core, ok := e.trimFillers(w)
		if !ok {
			flush()
			state = none
			continue
		}
		if last >= 0 && last != core.Start {
			flush() // punctuation, space or a trimmed filler between content words
			state = none
		}
		frag.WriteString(core.Term)
		last = core.End
		for _, p := range syn.split(core) {
			if p.syn != nil {
				add(*p.syn, known)
			} else {
				for _, t := range e.resplit(p.text) {
					if !e.isFiller(t) {
						add(concept{surface: t, alts: []string{t}}, e.kindOf(t, unknown, char, known))
					}
				}
			}
		}
	}
	flush()
	kept := qu.concepts[:0]
	for _, c := range qu.concepts {
		if !e.isFiller(c.surface) { // glued pieces may spell a filler (坐|上)
			e.locate(&c)
			kept = append(kept, c)
		}
	}
	qu.concepts = kept
}

// trimFillers reports false for a filler. A word the plan never uses that
// starts or ends with a filler is the filler glued to a content word by the
// cut (会通 in 东阳会通轻轨吗, 读书会 in 以后读书会更好): the filler is trimmed
// off and the content word returned with its offsets.
func (e *Engine) trimFillers(w jieba.Token) (jieba.Token, bool) {
	if e.isFiller(w.Term) {
		return w, false
	}
	if e.known(w.Term) {
		return w, true
	}
	for changed := true; changed && w.Term != ""; {
		changed = false
		for _, f := range e.lex.Fillers {
			if len(f) < len(w.Term) && strings.HasPrefix(w.Term, f) {
				w.Term, w.Start, changed = w.Term[len(f):], w.Start+len(f), true
			} else if len(f) < len(w.Term) && strings.HasSuffix(w.Term, f) {
				w.Term, w.End, changed = w.Term[:len(w.Term)-len(f)], w.End-len(f), true
			}
			if changed {
				break
			}
		}
	}
	return w, w.Term != "" && !e.isFiller(w.Term)
}

// resplit cuts a word the plan never uses at the plan's own words inside it
// (双职工 → 双 + 职工, 网络覆盖 → 网络 + 覆盖), as a dictionary without the
// longer word would have: answers must not depend on which everyday words the
// dictionary happens to hold. Known words are found among jieba's search-mode
// sub-words, longest first, left to right.
func (e *Engine) resplit(w string) []string {
	if e.known(w) || utf8.RuneCountInString(w) < 3 {
		return []string{w}
	}
	var subs []jieba.Token
	for _, t := range e.seg.Tokens(w) {
		if t.Term != w && e.known(t.Term) && utf8.RuneCountInString(t.Term) >= 2 {
			subs = append(subs, t)
		}
	}
	if len(subs) == 0 {
		return []string{w}
	}
	sort.SliceStable(subs, func(i, j int) bool {
		if subs[i].Start != subs[j].Start {
			return subs[i].Start < subs[j].Start
		}
		return subs[i].End > subs[j].End
	})
	var out []string
	pos := 0
	for _, t := range subs {
		if t.Start < pos {
			continue
		}
		for _, r := range w[pos:t.Start] { // the rest, character by character
			out = append(out, string(r))
		}
		out = append(out, t.Term)
		pos = t.End
	}
	for _, r := range w[pos:] {
		out = append(out, string(r))
	}
	return out
}

// kindOf classifies a content word for gluing: unknown to the plan, a single
// Chinese character, or a known word.
func (e *Engine) kindOf(w string, unknown, char, known int) int {
	switch r, n := utf8.DecodeRuneInString(w); {
	case !e.known(w):
		return unknown
	case n == len(w) && unicode.Is(unicode.Han, r):
		return char
	}
	return known
}

// known reports whether the segmenter cuts w from some clause or title.
func (e *Engine) known(w string) bool { return e.vocab[w] || e.titleVocab[w] }

func (e *Engine) isFiller(w string) bool { return e.fillers[w] }

// synSpans records where colloquial synonyms occur in a question.
type synSpans []struct {
	start, end int
	c          concept
}

// piece is part of a word: a colloquial synonym's concept, or plain text.
type piece struct {
	syn  *concept
	text string
}

// split cuts a word at the synonyms it overlaps, so that a word the dictionary
// made longer than the synonym (电影票 around 电影) yields the synonym and the
// rest (票), as a shorter cut would.
func (s synSpans) split(w jieba.Token) []piece {
	var out []piece
	pos := w.Start
	for i := range s { // s is in order of position
		sp := &s[i]
		if sp.end <= pos || sp.start >= w.End {
			continue
		}
		if sp.start > pos {
			out = append(out, piece{text: w.Term[pos-w.Start : sp.start-w.Start]})
		}
		out = append(out, piece{syn: &sp.c})
		pos = sp.end
	}
	if pos < w.End {
		out = append(out, piece{text: w.Term[pos-w.Start:]})
	}
	return out
}

// sortedSynonymKeys lists synonym and hint phrases longest first, so a longer
// phrase (孩子上学) claims its span before a shorter one inside it (上学).
func sortedSynonymKeys(lex Lexicon) []string {
	keys := make([]string, 0, len(lex.Synonyms)+len(lex.Hints))
	for k := range lex.Synonyms {
		keys = append(keys, k)
	}
	for k := range lex.Hints {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if len(keys[i]) != len(keys[j]) {
			return len(keys[i]) > len(keys[j])
		}
		return keys[i] < keys[j]
	})
	return keys
}

func (e *Engine) synonymSpans(norm string) synSpans {
	var out synSpans
	taken := make([]bool, len(norm))
	for _, k := range e.synKeys {
		for off := 0; ; {
			i := strings.Index(norm[off:], k)
			if i < 0 {
				break
			}
			i += off
			off = i + len(k)
			if taken[i] || taken[off-1] {
				continue
			}
			for j := i; j < off; j++ {
				taken[j] = true
			}
			c := concept{surface: k, alts: append([]string{k}, e.lex.Synonyms[k]...)}
			if targets, ok := e.lex.Hints[k]; ok {
				c = concept{surface: k, alts: append([]string{k}, targets...), hint: true}
			}
			out = append(out, struct {
				start, end int
				c          concept
			}{i, off, c})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

// locate finds the clauses and titles that mention a concept and weighs it by
// inverse document frequency over clauses: a concept found in few clauses says
// more about what the question wants. A concept the plan never mentions weighs
// most, which is what makes off-topic questions abstain. Single Chinese
// characters say little on their own.
func (e *Engine) locate(c *concept) {
	c.bits = newBitset(len(e.entries))
	c.inTitle = newBitset(len(e.units))
	for _, a := range c.alts {
		e.grams.addContaining(c.bits, a)
		e.titleGrams.addContaining(c.inTitle, a)
	}
	if rs := []rune(c.surface); len(rs) >= 3 && c.bits.count() == 0 {
		for k := 0; k+1 < len(rs); k++ {
			c.pairs = append(c.pairs, e.grams.grams[string(rs[k:k+2])]) // nil when absent
		}
	}
	df := c.bits.count()
	c.weight = math.Log(1 + float64(len(e.entries))/float64(df+1))
	if r, _ := utf8.DecodeRuneInString(c.surface); utf8.RuneCountInString(c.surface) == 1 && unicode.Is(unicode.Han, r) {
		c.weight *= 0.3 // a lone character is mostly grammar (读, 找, 跟)
	}
}

// searchText is what goes to bleve: every wording of every concept.
func (qu question) searchText() string {
	var parts []string
	for _, c := range qu.concepts {
		if !c.unknown {
			parts = append(parts, c.alts...)
		}
	}
	return strings.Join(parts, " ")
}
