package retrieval

import (
	"context"
	"fmt"
	"math/bits"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Ranking weights. A clause's score adds its BM25 score (relative to the best
// candidate), how much of the question's content it covers, and how much of the
// question it contains letter for letter.
const (
	candidates     = 30  // clauses fetched from bleve
	weightCoverage = 1.2 // clause coverage
	weightVerbatim = 0.8 // share of the question found verbatim in the clause
	weightUnitCov  = 0.3 // coverage by the whole unit (concepts spread over clauses)
	weightTitle    = 1.0 // how much of the unit's title the question repeats
	maxQuotes      = 2   // clauses quoted per hit
	titleBoost     = 0.3
)

// Search answers a question: the best units, each with its best clauses, or
// Found=false when the plan does not cover it.
func (e *Engine) Search(ctx context.Context, q string, top int) (Result, error) {
	if top <= 0 {
		top = e.opt.Top
	}
	qu, err := e.analyse(q)
	if err != nil {
		return Result{Query: q}, err
	}
	res := Result{Query: q, Normalized: qu.norm}
	if qu.article > 0 {
		return e.articleResult(res, qu), nil
	}
	for _, c := range qu.concepts {
		res.Terms = append(res.Terms, c.alts...)
	}
	if len(qu.concepts) == 0 {
		res.Vague = true
		return res, nil
	}
	scored, err := e.candidates(ctx, qu)
	if err != nil {
		return res, err
	}
	units := e.rankUnits(qu, scored)
	if len(units) == 0 || !e.covered(qu, units[0]) {
		return res, nil
	}
	res.Found = true
	// Further units are shown only when they too cover the question: a
	// weak match below a good one is noise on a phone screen.
	for i, u := range units {
		if len(res.Hits) == top {
			break
		}
		if i == 0 || e.covered(qu, u) {
			res.Hits = append(res.Hits, e.hit(qu, u))
		}
	}
	return res, nil
}

// scoredClause is a candidate clause with its parts of the score.
type scoredClause struct {
	i        int // entry index
	bm25     float64
	cov      float64 // coverage of the question, hints included (ranking)
	content  float64 // coverage of its content, hints left out (abstention)
	verbatim float64 // share of the question's content runes found verbatim
	all      bool    // every fragment of the question occurs verbatim
	score    float64
}

// candidates fetches clauses from bleve and scores each one.
func (e *Engine) candidates(ctx context.Context, qu question) ([]scoredClause, error) {
	q := e.buildQuery(qu.searchText())
	// One more than needed shows whether the cut falls between equal scores.
	sr, err := e.idx.SearchInContext(ctx, bleve.NewSearchRequestOptions(q, candidates+1, 0, false))
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	if len(sr.Hits) > candidates && sr.Hits[candidates-1].Score == sr.Hits[candidates].Score {
		// Ties at the cut are broken by clause id: the order in which a batch
		// numbers its documents is not fixed, and answers must be. Sorting by
		// id loads every match's id, so it is done only when it matters.
		req := bleve.NewSearchRequestOptions(q, candidates, 0, false)
		req.SortBy([]string{"-_score", "_id"})
		if sr, err = e.idx.SearchInContext(ctx, req); err != nil {
			return nil, fmt.Errorf("search index: %w", err)
		}
	}
	if len(sr.Hits) > candidates {
		sr.Hits = sr.Hits[:candidates]
	}
	// Clauses holding a fragment verbatim join the candidates even when BM25
	// ranked them low: exact wording is what officials look for.
	max := sr.MaxScore
	if max <= 0 {
		max = 1
	}
	out := make([]scoredClause, 0, len(sr.Hits)+8)
	in := newBitset(len(e.entries))
	for _, h := range sr.Hits {
		i, _ := strconv.Atoi(h.ID)
		in.set(i)
		out = append(out, scoredClause{i: i, bm25: h.Score / max})
	}
	for _, f := range qu.fragments {
		if f.runes < 2 {
			continue
		}
		for w, x := range f.bits {
			for x &^= in[w]; x != 0; x &= x - 1 {
				i := w*64 + bits.TrailingZeros64(x)
				in.set(i)
				out = append(out, scoredClause{i: i})
			}
		}
	}
	for k := range out {
		sc := &out[k]
		i := sc.i
		sc.cov, sc.content = e.clauseCoverage(qu, i, true), e.clauseCoverage(qu, i, false)
		sc.verbatim, sc.all = e.verbatimShare(qu, i)
		sc.score = sc.bm25 + weightCoverage*sc.cov + weightVerbatim*sc.verbatim
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].score != out[b].score {
			return out[a].score > out[b].score
		}
		return out[a].i < out[b].i
	})
	return out, nil
}

// buildQuery turns the question's wordings into term queries on the word,
// bigram and title fields. The text is cut once here with the segmenter and
// once with the bigram analyzer; user text never reaches a query parser, so
// ":" "+" "-" and quotes are just characters.
func (e *Engine) buildQuery(text string) query.Query {
	// Terms the index does not hold are left out: they match nothing, and a
	// searcher per term is most of the cost of a question. (Scores only scale
	// by the disjunction's coord factor, and candidates are compared relative
	// to the best.)
	var qs []query.Query
	seen := map[string]bool{}
	for _, t := range e.seg.Tokens(text) {
		if seen[t.Term] {
			continue
		}
		seen[t.Term] = true
		if e.vocab[t.Term] {
			w := query.NewTermQuery(t.Term)
			w.SetField(fieldWords)
			qs = append(qs, w)
		}
		if e.titleVocab[t.Term] {
			ti := query.NewTermQuery(t.Term)
			ti.SetField(fieldTitle)
			ti.SetBoost(titleBoost)
			qs = append(qs, ti)
		}
	}
	seen = map[string]bool{}
	for _, t := range e.bigrams.Analyze([]byte(text)) {
		term := string(t.Term)
		if e.bigramVocab[term] && !seen[term] {
			seen[term] = true
			b := query.NewTermQuery(term)
			b.SetField(fieldBigrams)
			qs = append(qs, b)
		}
	}
	return query.NewDisjunctionQuery(qs)
}

// verbatimShare is the share of the question's content (in runes) made of
// fragments found letter for letter in clause i or its unit's title, and
// whether all of them are.
func (e *Engine) verbatimShare(qu question, i int) (float64, bool) {
	u := e.entries[i].unit
	content, found, all := 0, 0, true
	for _, f := range qu.fragments {
		content += f.runes
		if f.bits.has(i) || f.inTitle.has(u) {
			found += f.runes
		} else {
			all = false
		}
	}
	if content == 0 {
		return 0, false
	}
	return float64(found) / float64(content), all && found >= 2
}

// clauseCoverage is the weighted share of the question's concepts that clause
// i mentions, reading the clause with its unit's title: "目标" in 第5条's title
// ("主要目标") is part of what each of its clauses says. A word not found
// whole earns the share of its character pairs that are (网络覆盖 in
// "5G网络全覆盖"), when that is at least half.
func (e *Engine) clauseCoverage(qu question, i int, hints bool) float64 {
	u := e.entries[i].unit
	return coverage(qu.concepts, hints, func(c *concept) bool { return c.bits.has(i) || c.inTitle.has(u) },
		func(p bitset) bool { return p.has(i) })
}

// unitCoverage is the same over a whole unit: concepts may be spread over its
// clauses.
func (e *Engine) unitCoverage(qu question, u int, hints bool) float64 {
	m := e.unitMask[u]
	return coverage(qu.concepts, hints, func(c *concept) bool { return c.bits.intersects(m) || c.inTitle.has(u) },
		func(p bitset) bool { return p != nil && p.intersects(m) })
}

// coverage counts hint concepts only when hints is set: for ranking, not for
// deciding whether the plan covers the question.
func coverage(cs []concept, hints bool, mentions func(*concept) bool, hasPair func(bitset) bool) float64 {
	var got, total float64
	for k := range cs {
		c := &cs[k]
		if c.hint && !hints {
			continue
		}
		total += c.weight
		if mentions(c) {
			got += c.weight
			continue
		}
		if len(c.pairs) == 0 {
			continue
		}
		n := 0
		for _, p := range c.pairs {
			if hasPair(p) {
				n++
			}
		}
		if share := float64(n) / float64(len(c.pairs)); share >= 0.5 {
			got += share * c.weight
		}
	}
	if total == 0 {
		return 0
	}
	return got / total
}

// rankedUnit is a unit with its scored clauses, best first.
type rankedUnit struct {
	unit    *Unit
	idx     int // index in Engine.units
	doc     *Document
	clauses []scoredClause
	n       int // clauses, while grouping
	unitCov float64
	score   float64
	all     bool
}

// rankUnits groups clauses by unit. A unit scores as its best clause plus a
// little for covering the question across clauses; units holding the whole
// question verbatim come first.
func (e *Engine) rankUnits(qu question, scored []scoredClause) []rankedUnit {
	// Units in the order of their best clause; each unit's clauses keep
	// their order (best first) in one shared array.
	at := make([]int, len(e.units)) // 1 + position in out, 0: not yet seen
	var out []rankedUnit
	for _, sc := range scored {
		u := e.entries[sc.i].unit
		if at[u] == 0 {
			out = append(out, rankedUnit{unit: e.units[u], idx: u, doc: e.entries[sc.i].doc})
			at[u] = len(out)
		}
		out[at[u]-1].n++
	}
	backing := make([]scoredClause, 0, len(scored))
	for k := range out {
		out[k].clauses = backing[len(backing) : len(backing) : len(backing)+out[k].n]
		backing = backing[:len(backing)+out[k].n]
	}
	for _, sc := range scored {
		ru := &out[at[e.entries[sc.i].unit]-1]
		ru.clauses = append(ru.clauses, sc)
		ru.all = ru.all || sc.all
	}
	for k := range out {
		ru := &out[k]
		ru.unitCov = e.unitCoverage(qu, ru.idx, true)
		ru.score = ru.clauses[0].score + weightUnitCov*ru.unitCov + weightTitle*titleMatch(qu.fragments, ru.idx, e.titleLetters[ru.idx])
	}
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].all != out[b].all {
			return out[a].all
		}
		return out[a].score > out[b].score
	})
	return out
}

// covered decides abstention: the best unit must cover enough of the question's
// content, in its best clause or, a little discounted, across the whole unit.
func (e *Engine) covered(qu question, ru rankedUnit) bool {
	cov := ru.clauses[0].content
	if c := 0.85 * e.unitCoverage(qu, ru.idx, false); c > cov {
		cov = c
	}
	return cov >= e.opt.MinCoverage
}

// hit quotes a unit's best clause, and a second one when it scores nearly as
// well, in document order, with the question's words marked.
func (e *Engine) hit(qu question, ru rankedUnit) Hit {
	h := Hit{Doc: ru.doc, Unit: ru.unit, Score: round(ru.score), Verbatim: ru.all}
	picked := []scoredClause{ru.clauses[0]}
	for _, sc := range ru.clauses[1:] {
		if len(picked) == maxQuotes {
			break
		}
		if sc.score >= 0.75*ru.clauses[0].score && sc.cov > 0 {
			picked = append(picked, sc)
		}
	}
	sort.Slice(picked, func(a, b int) bool { return picked[a].i < picked[b].i })
	for _, sc := range picked {
		en := e.entries[sc.i]
		h.Quotes = append(h.Quotes, Quote{Clause: en.c, Marks: marks(qu, en.c.Text, en.norm)})
	}
	return h
}

// articleResult answers "第12条": the article whole, or not found.
func (e *Engine) articleResult(res Result, qu question) Result {
	res.ArticleRef = true
	for _, d := range e.docs {
		res.ArticleMax = max(res.ArticleMax, d.ArticleCount())
		u := d.Article(qu.article)
		if u == nil {
			continue
		}
		h := Hit{Doc: d, Unit: u, Score: 1, Verbatim: true}
		for _, p := range u.Paragraphs {
			for _, id := range p.Clauses {
				h.Quotes = append(h.Quotes, Quote{Clause: &d.Clauses[id]})
			}
		}
		res.Hits = append(res.Hits, h)
		res.Found = true
	}
	return res
}

// marks finds the question's wordings in a clause. norm is Normalize(text),
// rune-aligned with text, so rune positions carry over to byte offsets of text.
func marks(qu question, text, norm string) []Span {
	var spans []Span
	for _, c := range qu.concepts {
		for _, a := range c.alts {
			r, size := utf8.DecodeRuneInString(a)
			if a == "" || size == len(a) && r >= 0x80 {
				continue // a lone Chinese character would bold noise
			}
			for off := 0; ; {
				i := strings.Index(norm[off:], a)
				if i < 0 {
					break
				}
				i += off
				off = i + len(a)
				spans = append(spans, Span{i, off})
			}
		}
	}
	spans = mergeSpans(spans)
	// Normalize keeps runes aligned, not bytes: carry each offset over by
	// counting runes, walking both strings once.
	nb, tb := 0, 0
	conv := func(target int) int {
		for nb < target {
			_, n := utf8.DecodeRuneInString(norm[nb:])
			_, t := utf8.DecodeRuneInString(text[tb:])
			nb, tb = nb+n, tb+t
		}
		return tb
	}
	for k := range spans {
		spans[k].Start = conv(spans[k].Start)
		spans[k].End = conv(spans[k].End)
	}
	return spans
}

func mergeSpans(s []Span) []Span {
	if len(s) == 0 {
		return nil
	}
	sort.Slice(s, func(i, j int) bool { return s[i].Start < s[j].Start })
	out := []Span{s[0]}
	for _, sp := range s[1:] {
		last := &out[len(out)-1]
		if sp.Start <= last.End {
			if sp.End > last.End {
				last.End = sp.End
			}
			continue
		}
		out = append(out, sp)
	}
	return out
}

// titleMatch is the share of a title's characters that the question's
// fragments repeat verbatim: 1 when someone asks for an article by its title
// ("二〇三五年远景目标是什么" → 第3条 "二〇三五年远景目标。"). total is the
// number of letters and digits in the title (Engine.titleLetters).
func titleMatch(frags []fragment, u int, total int) float64 {
	if total == 0 {
		return 0
	}
	got := 0
	for _, f := range frags {
		if f.inTitle.has(u) {
			got += f.runes
		}
	}
	if got > total {
		got = total
	}
	return float64(got) / float64(total)
}

func round(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }
