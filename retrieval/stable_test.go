package retrieval

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

// A batch numbers its documents in whatever order analysis finishes, so two
// builds of the same index differ inside. Answers must not: ties at the
// candidate cut are broken by clause id. Several independent builds answer the
// dev, held-out and generated questions identically, quotes and scores
// included, and some of those questions do fall on a tie at the cut.
func TestAnswersSameAcrossBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the index several times")
	}
	ref := sharedEngine(t)
	qs := append(loadQuestions(t, "testdata/dev.jsonl"), loadQuestions(t, "testdata/heldout.jsonl")...)
	qs = append(qs, generatedQuestions(ref.docs[0], ref.lex, 600)...)
	ctx := context.Background()
	want := make([]string, len(qs))
	ties := 0
	for i, q := range qs {
		want[i] = answerKey(t, ref, q)
		if qu, err := ref.analyse(q); err == nil && qu.article == 0 && len(qu.concepts) > 0 {
			sr, err := ref.idx.Search(bleve.NewSearchRequestOptions(ref.buildQuery(qu.searchText()), candidates+1, 0, false))
			if err != nil {
				t.Fatal(err)
			}
			if len(sr.Hits) > candidates && sr.Hits[candidates-1].Score == sr.Hits[candidates].Score {
				ties++
			}
		}
	}
	if ties == 0 {
		t.Fatal("no question falls on a tie at the cut: the test no longer exercises the tie-break")
	}
	for b := range 3 {
		e, err := New(ctx, ref.docs, Options{CacheDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		for i, q := range qs {
			if got := answerKey(t, e, q); got != want[i] {
				t.Errorf("build %d, %q:\n got %s\nwant %s", b, q, got, want[i])
			}
		}
		e.Close()
	}
	t.Logf("%d questions, %d on a tie at the cut, 3 builds", len(qs), ties)
}

// answerKey is everything an answer shows (found, units, scores and quotes)
// and the candidate clauses behind it.
func answerKey(t *testing.T, e *Engine, q string) string {
	t.Helper()
	r, err := e.Search(context.Background(), q, 3)
	if err != nil {
		return "error: " + err.Error()
	}
	var b strings.Builder
	if qu, err := e.analyse(q); err == nil && qu.article == 0 && len(qu.concepts) > 0 {
		scored, err := e.candidates(context.Background(), qu)
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]int, len(scored))
		for k, sc := range scored {
			ids[k] = sc.i
		}
		slices.Sort(ids)
		fmt.Fprintf(&b, "candidates=%v ", ids)
	}
	fmt.Fprintf(&b, "found=%v", r.Found)
	for _, h := range r.Hits {
		fmt.Fprintf(&b, " | %s %.3f", h.Unit.Key, h.Score)
		for _, qt := range h.Quotes {
			fmt.Fprintf(&b, " «%s» %v", qt.Clause.Text, qt.Marks)
		}
	}
	return b.String()
}

// The pair index finds exactly the texts strings.Contains finds.
func TestGramIndexContaining(t *testing.T) {
	e := sharedEngine(t)
	norms := make([]string, len(e.entries))
	for i, en := range e.entries {
		norms[i] = en.norm
	}
	r := rand.New(rand.NewPCG(1, 2))
	probes := []string{"", "的", "林长制", "无废城市", "5G", "2035年", "全球最强", "不存在的词语", "。"}
	for range 300 { // windows of the text, some spanning two clauses' worth of letters
		rs := []rune(norms[r.IntN(len(norms))])
		i := r.IntN(len(rs))
		j := min(len(rs), i+1+r.IntN(8))
		probes = append(probes, string(rs[i:j]))
	}
	for _, idx := range []struct {
		g     gramIndex
		texts []string
	}{{e.grams, norms}, {e.titleGrams, e.unitTitle}} {
		for _, p := range probes {
			got := idx.g.containing(p)
			for i, text := range idx.texts {
				if want := p != "" && strings.Contains(text, p); got.has(i) != want {
					t.Fatalf("containing(%q) text %d (%q): got %v, want %v", p, i, text, got.has(i), want)
				}
			}
		}
	}
}
