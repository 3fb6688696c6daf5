package answers

import (
	"testing"

	"planbot/retrieval"
	"planbot/seeds"
)

// FuzzFormat: any echoed text (query, phrase, hint), any marks and any budget
// give valid Telegram HTML within the budget.
func FuzzFormat(f *testing.F) {
	f.Add("人均预期寿命", "发送 /toc", 0, 6, 4096)
	f.Add("<b>&amp;</a>", "<i>", -5, 1000, 50)
	f.Add("\xff\x00\u202e🚄", "**x**", 3, 3, 1)
	f.Add("", "", 7, 2, 7)
	d, err := retrieval.Parse(seeds.Dongyang(), retrieval.ParseOptions{SkipLines: 1, ClosingParagraphs: 1})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, query, hint string, start, end, budget int) {
		if budget < 0 || budget > 1<<16 {
			return
		}
		c := &d.Clauses[(len(query)*31+start&0xff)%len(d.Clauses)]
		q := retrieval.Quote{Clause: c, Marks: []retrieval.Span{{Start: start, End: end}, {Start: end, End: end + 9}}}
		res := retrieval.Result{Query: query, Found: start%2 == 0, Hits: []retrieval.Hit{{Doc: d, Unit: c.Unit, Quotes: []retrieval.Quote{q}}}}
		chk := retrieval.CheckResult{Phrase: query, Closest: &q, Diff: []retrieval.DiffOp{{Phrase: query, Plan: hint}}}
		for _, out := range []string{
			Answer(res, Options{Format: HTML, Budget: budget, Hint: hint}),
			Check(chk, Options{Format: HTML, Budget: budget, Hint: hint}),
		} {
			if out == "" || out == ellipsis {
				continue // nothing fits a tiny budget
			}
			if err := ValidHTML(out); err != nil {
				t.Fatalf("invalid HTML (%v):\n%s", err, out)
			}
			if b := budget; b > 0 && Size(out) > b {
				t.Fatalf("size %d over budget %d", Size(out), b)
			}
		}
	})
}
