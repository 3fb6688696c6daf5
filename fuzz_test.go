package main

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"planbot/answers"
	"planbot/config"
	"planbot/retrieval"
)

var (
	fuzzOnce   sync.Once
	fuzzEngine *retrieval.Engine
)

func sharedEngine(t testing.TB) *retrieval.Engine {
	t.Helper()
	fuzzOnce.Do(func() {
		c, err := config.Load(config.Input{})
		if err != nil {
			t.Fatal(err)
		}
		if fuzzEngine, err = engine(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	})
	return fuzzEngine
}

// hostile is the seed corpus shared by the fuzz targets (more under
// testdata/fuzz/): invalid UTF-8, NUL and control characters, zero-width and
// RTL marks, emoji, punctuation only, bleve query syntax, HTML and Markdown,
// long numbers.
var hostile = []string{
	"人均预期寿命要达到多少岁", "“三线一单”在哪一条", "第12条", "第十二条", "GDP",
	"\xff\xfe\xfd", "a\x00b\x01c", "\u200b\u200d\u202e东阳\u202c", "🚄东阳会通轻轨吗🚄", "，。！？；：",
	`+a -b "c" d:e ^2 ~1 *`, "title:东阳 AND 高铁", "<b>东阳</b>&amp;</a>", "**粗体** _斜体_ [链接](http://x)",
	"12345678901234567890123456789012345678901234567890", "第99999999999999999999条", strings.Repeat("东阳", 3000),
	"", " ", "\n\t", "5G网络覆盖 G60 IPv6 80.5岁 Ⅲ类 2∶42∶56",
}

// FuzzQuestion: whatever a user types, normalise → search → format neither
// panics nor yields invalid Telegram HTML, and a reply always has text.
func FuzzQuestion(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	e := sharedEngine(f)
	f.Fuzz(func(t *testing.T, q string) {
		res, err := e.Search(context.Background(), q, 3)
		if errors.Is(err, retrieval.ErrEmptyQuery) || errors.Is(err, retrieval.ErrInvalidUTF8) {
			if utf8.ValidString(q) && strings.ContainsAny(q, "东阳abc123") {
				t.Fatalf("Search(%q) refused a real question: %v", q, err)
			}
			return // refused input: the caller answers with help text
		}
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		for _, budget := range []int{0, 300} {
			out := answers.Answer(res, answers.Options{Format: answers.HTML, Budget: budget, Hint: "发送 /toc"})
			if err := answers.ValidHTML(out); err != nil {
				t.Fatalf("Answer(%q) is not valid HTML: %v\n%s", q, err, out)
			}
			if budget > 0 && answers.Size(out) > budget {
				t.Fatalf("Answer(%q) exceeds the budget %d: %d", q, budget, answers.Size(out))
			}
		}
		for _, h := range res.Hits {
			for _, qt := range h.Quotes {
				if !strings.Contains(h.Unit.Text(), qt.Clause.Text) {
					t.Fatalf("quote not verbatim from %s: %q", h.Unit.Label(), qt.Clause.Text)
				}
			}
		}
	})
}

// FuzzCheck: the wording check takes any phrase without panicking, and its
// report is valid HTML.
func FuzzCheck(f *testing.F) {
	for _, s := range append(hostile, "打造全国最强的影视产业基地", "塘长制和林长制") {
		f.Add(s)
	}
	e := sharedEngine(f)
	f.Fuzz(func(t *testing.T, phrase string) {
		res, err := e.Check(context.Background(), phrase)
		if err != nil {
			return // refused: empty, too long or not UTF-8
		}
		out := answers.Check(res, answers.Options{Format: answers.HTML})
		if err := answers.ValidHTML(out); err != nil {
			t.Fatalf("Check(%q) is not valid HTML: %v\n%s", phrase, err, out)
		}
		for _, l := range res.Locations {
			for _, m := range l.Marks {
				if m.Start < 0 || m.End > len(l.Clause.Text) || m.Start > m.End {
					t.Fatalf("mark %+v outside %q", m, l.Clause.Text)
				}
			}
		}
	})
}
