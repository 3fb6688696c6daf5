package evaluate_test

import (
	"context"
	"os"
	"testing"

	"planbot/retrieval"
	"planbot/retrieval/evaluate"
	"planbot/seeds"
)

func TestDevSetGate(t *testing.T) {
	doc, err := retrieval.Parse(seeds.Dongyang(), retrieval.ParseOptions{Name: "东阳十四五建议", SkipLines: 1, ClosingParagraphs: 1})
	if err != nil {
		t.Fatal(err)
	}
	e, err := retrieval.New(context.Background(), []*retrieval.Document{doc}, retrieval.Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	f, err := os.Open("../testdata/dev.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cases, err := evaluate.Load(f)
	if err != nil {
		t.Fatal(err)
	}
	r, err := evaluate.Run(context.Background(), e, cases)
	if err != nil {
		t.Fatal(err)
	}
	r.Write(os.Stdout)
}
