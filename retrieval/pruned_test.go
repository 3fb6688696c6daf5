package retrieval

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"planbot/retrieval/jieba"
)

// The shipped dictionary is pruned (retrieval/jieba/internal/prune). Answers
// must be exactly those of cppjieba's full dictionary: same found/not found and
// the same top three units, on the dev set and on generated questions.
func TestPrunedDictionaryAnswersLikeFull(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the full dictionary")
	}
	pruned := sharedEngine(t)
	dir := t.TempDir()
	if err := jieba.Install(dir); err != nil {
		t.Fatal(err)
	}
	full, err := os.ReadFile("jieba/testdata/full/jieba.dict.utf8")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "jieba.dict.utf8"), full, 0o644); err != nil {
		t.Fatal(err)
	}
	ref, err := New(context.Background(), pruned.docs, Options{DictDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()

	qs := append(loadQuestions(t, "testdata/dev.jsonl"), generatedQuestions(pruned.docs[0], pruned.lex, 2560)...)
	if _, err := os.Stat("testdata/heldout.jsonl"); err == nil {
		qs = append(qs, loadQuestions(t, "testdata/heldout.jsonl")...)
	}
	ctx := context.Background()
	diffs := 0
	for _, q := range qs {
		a, errA := pruned.Search(ctx, q, 3)
		b, errB := ref.Search(ctx, q, 3)
		if (errA == nil) != (errB == nil) {
			t.Errorf("%q: errors differ: %v vs %v", q, errA, errB)
			continue
		}
		if ka, kb := topKeys(a), topKeys(b); ka != kb {
			diffs++
			if diffs <= 20 {
				t.Errorf("%q: pruned %s, full %s", q, ka, kb)
			}
		}
	}
	t.Logf("%d questions compared, %d differ", len(qs), diffs)
}

func topKeys(r Result) string {
	if !r.Found {
		return "not found"
	}
	var ks []string
	for i, h := range r.Hits {
		if i == 3 {
			break
		}
		ks = append(ks, h.Unit.Key)
	}
	return strings.Join(ks, ",")
}
