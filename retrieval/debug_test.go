package retrieval

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"planbot/seeds"
)

func TestDebugQuery(t *testing.T) {
	qs := os.Getenv("PLANBOT_DEBUG_Q")
	if qs == "" {
		t.Skip()
	}
	doc, _ := Parse(seeds.Dongyang(), ParseOptions{SkipLines: 1, ClosingParagraphs: 1})
	e, err := New(context.Background(), []*Document{doc}, Options{CacheDir: t.TempDir(), DictDir: os.Getenv("PLANBOT_DEBUG_DICT")})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range strings.Split(qs, "|") {
		qu, _ := e.analyse(q)
		fmt.Printf("Q %s norm=%s frags=%v\n", q, qu.norm, qu.fragments)
		for _, c := range qu.concepts {
			fmt.Printf("  concept %s %v w=%.2f\n", c.surface, c.alts, c.weight)
		}
		sc, _ := e.candidates(context.Background(), qu)
		us := e.rankUnits(qu, sc)
		for i, u := range us {
			if i == 5 {
				break
			}
			c := u.clauses[0]
			fmt.Printf("  %s score=%.2f unitCov=%.2f title=%.2f | bm=%.2f cov=%.2f verb=%.2f all=%v %s\n", u.unit.Key, u.score, u.unitCov, titleMatch(qu.fragments, u.idx, e.unitTitle[u.idx]), c.bm25, c.cov, c.verbatim, c.all, trunc(e.entries[c.i].c.Text))
		}
	}
}

func trunc(s string) string {
	r := []rune(s)
	if len(r) > 40 {
		return string(r[:40])
	}
	return s
}

func TestDebugCheck(t *testing.T) {
	qs := os.Getenv("PLANBOT_DEBUG_CHECK")
	if qs == "" {
		t.Skip()
	}
	doc, _ := Parse(seeds.Dongyang(), ParseOptions{SkipLines: 1, ClosingParagraphs: 1})
	e, _ := New(context.Background(), []*Document{doc}, Options{CacheDir: t.TempDir()})
	for _, q := range strings.Split(qs, "|") {
		r, err := e.Check(context.Background(), q)
		fmt.Printf("%s verbatim=%v err=%v locs=%d\n", q, r.Verbatim, err, len(r.Locations))
		for _, l := range r.Locations {
			fmt.Printf("  %s %q\n", l.Clause.Unit.Label(), l.Clause.Text[l.Marks[0].Start:l.Marks[0].End])
		}
		if r.Closest != nil {
			fmt.Printf("  closest %s %q\n", r.Closest.Clause.Unit.Label(), r.Closest.Clause.Text[r.Closest.Marks[0].Start:r.Closest.Marks[0].End])
			for _, d := range r.Diff {
				fmt.Printf("    %+v\n", d)
			}
		}
	}
}
