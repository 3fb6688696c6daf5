package answers

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"planbot/retrieval"
	"planbot/seeds"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// dongyang parses the real plan, as the bot does.
func dongyang(t *testing.T) *retrieval.Document {
	t.Helper()
	d, err := retrieval.Parse(seeds.Dongyang(), retrieval.ParseOptions{Name: "东阳十四五建议", SkipLines: 1, ClosingParagraphs: 1})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// clauseWith returns the first clause of d containing sub.
func clauseWith(t *testing.T, d *retrieval.Document, sub string) *retrieval.Clause {
	t.Helper()
	for i := range d.Clauses {
		if strings.Contains(d.Clauses[i].Text, sub) {
			return &d.Clauses[i]
		}
	}
	t.Fatalf("no clause contains %q", sub)
	return nil
}

// quote quotes the first clause containing sub, marking the first occurrence
// of each of marks.
func quote(t *testing.T, d *retrieval.Document, sub string, marks ...string) retrieval.Quote {
	t.Helper()
	c := clauseWith(t, d, sub)
	q := retrieval.Quote{Clause: c}
	for _, m := range marks {
		q.Marks = append(q.Marks, span(t, c.Text, m))
	}
	return q
}

// span is the byte range of the first occurrence of sub in text.
func span(t *testing.T, text, sub string) retrieval.Span {
	t.Helper()
	i := strings.Index(text, sub)
	if i < 0 {
		t.Fatalf("%q not in %q", sub, text)
	}
	return retrieval.Span{Start: i, End: i + len(sub)}
}

// hit makes a hit of the unit of the first quote.
func hit(d *retrieval.Document, score float64, qs ...retrieval.Quote) retrieval.Hit {
	return retrieval.Hit{Doc: d, Unit: qs[0].Clause.Unit, Quotes: qs, Score: score}
}

// unitQuotes quotes every clause of unit key.
func unitQuotes(d *retrieval.Document, key string) []retrieval.Quote {
	var qs []retrieval.Quote
	for _, p := range d.Unit(key).Paragraphs {
		for _, id := range p.Clauses {
			qs = append(qs, retrieval.Quote{Clause: &d.Clauses[id]})
		}
	}
	return qs
}

// golden compares got with testdata/name.golden, rewriting it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./answers/ -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s (run with -update if the change is intended)\n--- got ---\n%s\n--- want ---\n%s", name, path, got, want)
	}
}

// messages joins the messages of a multi-message reply for a golden file.
func messages(ms []string) string {
	var b strings.Builder
	for i, m := range ms {
		fmt.Fprintf(&b, "=== message %d/%d (%d) ===\n%s\n", i+1, len(ms), Size(m), m)
	}
	return b.String()
}

// checkHTML is ValidHTML, under the name the tests use.
func checkHTML(s string) error { return ValidHTML(s) }

// textOf is what Telegram shows of an HTML message: tags removed, entities
// decoded.
func textOf(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '<' {
			i += strings.IndexByte(s[i:], '>')
			continue
		}
		b.WriteByte(s[i])
	}
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&amp;", "&").Replace(b.String())
}

func TestCheckHTMLRejects(t *testing.T) {
	for _, bad := range []string{"", "a<b", "a>b", "a&b", "&amp", "<b>x", "x</b>", "<b><i>x</b></i>", "<b></b>x", "<span>x</span>", "<b><blockquote>x</blockquote></b>"} {
		if checkHTML(bad) == nil {
			t.Errorf("checkHTML(%q) = nil, want an error", bad)
		}
	}
	for _, good := range []string{"x", "<b>x</b>", "<blockquote>a<b>b</b></blockquote>\n&lt;&amp;&quot;&gt;"} {
		if err := checkHTML(good); err != nil {
			t.Errorf("checkHTML(%q) = %v", good, err)
		}
	}
}
