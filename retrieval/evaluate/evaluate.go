// Package evaluate measures retrieval quality on a question set: hit@1, hit@3,
// mrr@5, must@3, false and out-of-scope abstention, as defined in the shared
// eval README. It is used by `planbot eval` and by the quality-gate test.
package evaluate

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"planbot/retrieval"
)

// Case is one line of a question set.
type Case struct {
	Q    string   `json:"q"`
	Gold []string `json:"gold"` // unit keys: "5", "ch2", "preface", "closing"; empty = out of scope
	Must string   `json:"must"` // a string one of the top three quotes must contain
}

// Searcher is what evaluation needs of an engine.
type Searcher interface {
	Search(ctx context.Context, q string, top int) (retrieval.Result, error)
}

// Load reads a JSONL question set; blank lines are skipped.
func Load(r io.Reader) ([]Case, error) {
	var out []Case
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var c Case
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if strings.TrimSpace(c.Q) == "" {
			return nil, fmt.Errorf("line %d: empty question", n)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read question set: %w", err)
	}
	return out, nil
}

// Report holds the metrics and the questions that missed.
type Report struct {
	InScope, OutOfScope, WithMust int
	HitAt1, HitAt3, MRRAt5        float64
	MustAt3                       float64
	FalseAbstain, OOSAbstain      float64
	Misses                        []Miss
}

// Miss is a question whose gold unit was not first, whose must string was not
// quoted, or whose abstention was wrong.
type Miss struct {
	Case Case
	Got  []string // unit keys returned, best first; nil when withheld
	Why  string
}

// Run asks every question (top five) and scores the answers.
func Run(ctx context.Context, s Searcher, cases []Case) (Report, error) {
	var r Report
	var h1, h3, mrr, must, fa, oos float64
	for _, c := range cases {
		res, err := s.Search(ctx, c.Q, 5)
		if err != nil {
			return r, fmt.Errorf("question %q: %w", c.Q, err)
		}
		got := keys(res)
		if len(c.Gold) == 0 {
			r.OutOfScope++
			if !res.Found {
				oos++
			} else {
				r.Misses = append(r.Misses, Miss{c, got, "answered an out-of-scope question"})
			}
			continue
		}
		r.InScope++
		rank := goldRank(c.Gold, got)
		switch {
		case !res.Found:
			fa++
			r.Misses = append(r.Misses, Miss{c, nil, "abstained"})
		case rank == 1:
			h1++
		default:
			r.Misses = append(r.Misses, Miss{c, got, fmt.Sprintf("gold at rank %d", rank)})
		}
		if res.Found && rank >= 1 && rank <= 3 {
			h3++
		}
		if res.Found && rank >= 1 && rank <= 5 {
			mrr += 1 / float64(rank)
		}
		if c.Must != "" {
			r.WithMust++
			if res.Found && quotedInTop3(res, c.Must) {
				must++
			} else if res.Found {
				r.Misses = append(r.Misses, Miss{c, got, "must string not in the top three quotes"})
			}
		}
	}
	div := func(a float64, b int) float64 {
		if b == 0 {
			return 0
		}
		return a / float64(b)
	}
	r.HitAt1, r.HitAt3, r.MRRAt5 = div(h1, r.InScope), div(h3, r.InScope), div(mrr, r.InScope)
	r.MustAt3, r.FalseAbstain, r.OOSAbstain = div(must, r.WithMust), div(fa, r.InScope), div(oos, r.OutOfScope)
	return r, nil
}

func keys(res retrieval.Result) []string {
	if !res.Found {
		return nil
	}
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.Unit.Key
	}
	return out
}

// goldRank is the 1-based rank of the first gold unit in got, or 0.
func goldRank(gold, got []string) int {
	for i, k := range got {
		for _, g := range gold {
			if g == k {
				return i + 1
			}
		}
	}
	return 0
}

func quotedInTop3(res retrieval.Result, must string) bool {
	for i, h := range res.Hits {
		if i == 3 {
			break
		}
		for _, q := range h.Quotes {
			if strings.Contains(q.Clause.Text, must) || strings.Contains(retrieval.Normalize(q.Clause.Text), retrieval.Normalize(must)) {
				return true
			}
		}
	}
	return false
}

// Write prints the report as people read it.
func (r Report) Write(w io.Writer) {
	fmt.Fprintf(w, "questions: %d in scope, %d out of scope, %d with a must string\n", r.InScope, r.OutOfScope, r.WithMust)
	fmt.Fprintf(w, "hit@1 %.3f  hit@3 %.3f  mrr@5 %.3f  must@3 %.3f  false_abstain %.3f  oos_abstain %.3f\n",
		r.HitAt1, r.HitAt3, r.MRRAt5, r.MustAt3, r.FalseAbstain, r.OOSAbstain)
	for _, m := range r.Misses {
		fmt.Fprintf(w, "miss: %s  gold=%v got=%v  (%s)\n", m.Case.Q, m.Case.Gold, m.Got, m.Why)
	}
}
