package retrieval

import (
	"strings"
	"testing"
)

// Every official term a synonym points to must be in the plan, or the synonym
// can never help; every dictionary term must be too.
func TestLexiconEntriesOccurInThePlan(t *testing.T) {
	d := dongyang(t)
	var all strings.Builder
	for _, u := range d.Units {
		all.WriteString(Normalize(u.Title + "\n" + u.Text() + "\n"))
	}
	text := all.String()
	lex, err := DefaultLexicon()
	if err != nil {
		t.Fatal(err)
	}
	if len(lex.Synonyms) < 40 {
		t.Errorf("only %d synonyms", len(lex.Synonyms))
	}
	for name, table := range map[string]map[string][]string{"synonym": lex.Synonyms, "hint": lex.Hints} {
		for from, targets := range table {
			for _, to := range targets {
				if !strings.Contains(text, to) {
					t.Errorf("%s %s → %s: %q is not in the plan", name, from, to, to)
				}
			}
		}
	}
	for _, term := range lex.Terms {
		if !strings.Contains(text, term) {
			t.Errorf("dictionary term %q is not in the plan", term)
		}
	}
	for _, f := range lex.Fillers {
		if _, ok := lex.Synonyms[f]; ok {
			t.Errorf("%q is both a filler and a synonym", f)
		}
	}
}

func TestParseSynonymsRejectsBadLines(t *testing.T) {
	for _, bad := range []string{"看病", "= 医疗", "看病 ="} {
		if _, err := parseSynonyms(bad); err == nil {
			t.Errorf("parseSynonyms(%q) accepted a bad line", bad)
		}
	}
	m, err := parseSynonyms("# comment\n\nＧＤＰ = 地区生产总值\n")
	if err != nil || len(m["gdp"]) != 1 {
		t.Errorf("normalised key: %v %v", m, err)
	}
}

func TestDocumentTerms(t *testing.T) {
	terms := documentTerms([]*Document{dongyang(t)})
	for _, want := range []string{"三线一单", "无废城市", "县管校聘", "十四五"} {
		if !contains(terms, want) {
			t.Errorf("quoted term %s not collected", want)
		}
	}
}
