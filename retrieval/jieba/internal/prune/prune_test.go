package prune

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestPruneKeepsWeights(t *testing.T) {
	full := "东阳 100 ns\n天气 50 n\n林长 2 n\n常用 900 a\n冷门 3 n\n"
	out, st, err := Prune(strings.NewReader(full), []string{"东阳的天气"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	for _, want := range []string{"东阳 100 ns\n", "天气 50 n\n", "常用 900 a\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	if strings.Contains(got, "冷门") || strings.Contains(got, "林长") {
		t.Errorf("kept an entry that is neither in the texts nor frequent:\n%s", got)
	}
	var sum int64
	minFreq := 1 << 30
	for _, line := range strings.Split(strings.TrimSpace(got), "\n") {
		f := strings.Fields(line)
		n, _ := strconv.Atoi(f[1])
		sum += int64(n)
		minFreq = min(minFreq, n)
	}
	if sum != st.FreqSum || sum != 1055 {
		t.Errorf("frequency sum %d, want the full dictionary's 1055", sum)
	}
	if minFreq != 2 || st.MinFreq != 2 || st.MedianFreq != 50 {
		t.Errorf("min %d (stats %d), median %d", minFreq, st.MinFreq, st.MedianFreq)
	}
}

func TestPruneRejectsBadLines(t *testing.T) {
	for _, bad := range []string{"", "词 x n\n", "词 5\n"} {
		if _, _, err := Prune(strings.NewReader(bad), nil, 1); err == nil {
			t.Errorf("Prune(%q) accepted", bad)
		}
	}
}

// The embedded dictionary must be what `go generate ./retrieval/jieba`
// produces from the current plan and lexicon: edit a lexicon file and forget to
// regenerate, and this fails.
func TestEmbeddedDictionaryIsGenerated(t *testing.T) {
	texts, err := Inputs("../../../..")
	if err != nil || len(texts) < 4 {
		t.Fatalf("inputs: %d texts, %v", len(texts), err)
	}
	full, err := os.Open("../../testdata/full/jieba.dict.utf8")
	if err != nil {
		t.Fatal(err)
	}
	defer full.Close()
	want, st, err := Prune(full, texts, TopN)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../dict/jieba.dict.utf8")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatal("retrieval/jieba/dict/jieba.dict.utf8 is stale: run go generate ./retrieval/jieba")
	}
	gen, err := os.ReadFile("../../dict_gen.go")
	if err != nil || !strings.Contains(string(gen), "const userWordFreq = "+strconv.Itoa(st.MedianFreq)+"\n") {
		t.Fatalf("dict_gen.go is stale: run go generate ./retrieval/jieba (%v)", err)
	}
}
