package answers

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"planbot/retrieval"
)

// synthetic is a small plan full of what breaks markup: <, >, &, ", an
// emoji, a clause with no comma at all, a quoted name with commas inside.
const synthetic = `页面残留
标题<&>"测试规划"
(2021年1月1日测试会议通过)
序言<b>第一句,有&号。"引号"第二句;第三句!
一、第一章<i>标题</i>&"引号"
甲、乙、丙三项总体要求,在此说明。
1.条目<一>&"标题"。
` + "长" + `一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十没有逗号的长句。短句。A&B<C>D"E",逗号后、顿号后：冒号后;分号句。
“引号里的,逗号、不会被切断的名称”之后,还有文字。
2.第二条&。
x<y>&z"w"😀,表情。
二、第二章
3.第三条。
第三条正文。
结束语<&>"。`

func syntheticDoc(t *testing.T) *retrieval.Document {
	t.Helper()
	d, err := retrieval.Parse([]byte(synthetic), retrieval.ParseOptions{Name: "测<试>&", SkipLines: 1, ClosingParagraphs: 1})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// wholeClauses reports whether piece is one or more consecutive whole clauses
// of a paragraph of d: what a quotation that cuts no sentence looks like.
func wholeClauses(d *retrieval.Document, piece string) bool {
	for _, u := range d.Units {
		for _, p := range u.Paragraphs {
			bounds := map[int]bool{0: true}
			at := 0
			for _, c := range retrieval.SplitClauses(p.Text) {
				at += len(c)
				bounds[at] = true
			}
			for i := 0; i <= len(p.Text)-len(piece); i++ {
				if bounds[i] && bounds[i+len(piece)] && p.Text[i:i+len(piece)] == piece {
					return true
				}
			}
		}
	}
	return false
}

// quotations returns the text inside each <blockquote> of an HTML message.
func quotations(msg string) []string {
	var out []string
	for {
		_, rest, ok := strings.Cut(msg, "<blockquote>")
		if !ok {
			return out
		}
		q, after, _ := strings.Cut(rest, "</blockquote>")
		out = append(out, textOf(q))
		msg = after
	}
}

// checkQuotations checks that every quotation of an HTML answer is made of
// whole clauses, "……" standing between them, except a last clause cut at a
// comma, which must end in "……" and be the start of a clause.
func checkQuotations(d *retrieval.Document, msg string) error {
	for _, q := range quotations(msg) {
		cut := strings.HasSuffix(q, "……")
		q = strings.TrimSuffix(q, "……")
		pieces := strings.Split(q, "……")
		for i, p := range pieces {
			for j, line := range strings.Split(p, "\n") {
				last := i == len(pieces)-1 && j == len(strings.Split(p, "\n"))-1
				if cut && last {
					if !isClauseStart(d, line) {
						return fmt.Errorf("cut quotation %q does not start a clause", line)
					}
					continue
				}
				if !wholeClauses(d, line) {
					return fmt.Errorf("quotation %q is not whole clauses", line)
				}
			}
		}
	}
	return nil
}

func isClauseStart(d *retrieval.Document, s string) bool {
	for _, c := range d.Clauses {
		if s != "" && strings.HasPrefix(c.Text, s) {
			return true
		}
	}
	return false
}

func TestBudget(t *testing.T) {
	d := dongyang(t)
	r := retrieval.Result{Query: "交通", Found: true, Hits: []retrieval.Hit{
		hit(d, 3, quote(t, d, "统筹推进全市通用航空", "交通"), quote(t, d, "持续发力综合交通大会战", "交通")),
		hit(d, 2, quote(t, d, "人才强市、创新强市首位战略")),
	}}
	html := Options{Format: HTML, Budget: 1 << 20}
	full := Answer(r, html)
	budgetOf := func(b int) Options { o := html; o.Budget = b; return o }
	firstHit := Answer(retrieval.Result{Found: true, Hits: r.Hits[:1]}, html)
	tests := []struct {
		name   string
		budget int
		check  func(t *testing.T, got string)
	}{
		{"exactly at the limit", Size(full), func(t *testing.T, got string) {
			if got != full {
				t.Errorf("got %q, want the full answer", got)
			}
		}},
		{"one under the limit drops a hit", Size(full) - 1, func(t *testing.T, got string) {
			want := firstHit + "\n\n" + fmt.Sprintf(noteMoreFmt, 1)
			if got != want {
				t.Errorf("got %q\nwant %q", got, want)
			}
		}},
		{"drops a clause of the first hit", Size(firstHit) - 1, func(t *testing.T, got string) {
			if !strings.Contains(got, "打造浙中区域交通枢纽。</blockquote>") || !strings.HasSuffix(got, fmt.Sprintf(noteMoreFmt, 2)) {
				t.Errorf("got %q, want the first clause whole and a note of 2 more", got)
			}
		}},
		{"single overlong clause cut at a comma", 120, func(t *testing.T, got string) {
			want := "<b>第26条 构建现代化综合交通体系</b>\n<i>第六章 以空间优化为契机深度推进区域协调发展</i>\n" +
				"<blockquote>统筹推进全市通用航空、干线铁路、市域铁路……</blockquote>\n\n" + fmt.Sprintf(noteMoreFmt, 2)
			if got != want {
				t.Errorf("got %q\nwant %q", got, want)
			}
		}},
		{"tiny: heading only", 30, func(t *testing.T, got string) {
			if got != "<b>第26条 构建现代化综合交通体系</b>" {
				t.Errorf("got %q", got)
			}
		}},
		{"tinier: heading shortened", 12, func(t *testing.T, got string) {
			if got != "<b>第26条…</b>" {
				t.Errorf("got %q", got)
			}
		}},
		{"tiniest", 1, func(t *testing.T, got string) {
			if got != "…" {
				t.Errorf("got %q", got)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Answer(r, budgetOf(tt.budget))
			if Size(got) > tt.budget {
				t.Errorf("size %d over budget %d", Size(got), tt.budget)
			}
			if err := checkHTML(got); err != nil {
				t.Errorf("%v in %q", err, got)
			}
			tt.check(t, got)
		})
	}
}

func TestDefaultBudget(t *testing.T) {
	d := dongyang(t)
	var hits []retrieval.Hit
	for _, u := range d.Units {
		if u.Kind == retrieval.KindArticle {
			q := unitQuotes(d, u.Key)
			hits = append(hits, retrieval.Hit{Doc: d, Unit: u, Quotes: q[:1]})
		}
	}
	got := Answer(retrieval.Result{Found: true, Hits: hits}, Options{Format: HTML})
	if Size(got) > MaxMessage || Size(got) < MaxMessage-400 {
		t.Errorf("size %d, want close to and within %d", Size(got), MaxMessage)
	}
	if !strings.Contains(got, "……（篇幅所限，另有") {
		t.Error("no note of what was left out")
	}
}

// TestArticleSplit splits the longest unit of the plan and checks each
// message fits and is valid, and that the messages together give the text.
func TestArticleSplit(t *testing.T) {
	d := dongyang(t)
	longest := d.Units[0]
	for _, u := range d.Units {
		if len(u.Text()) > len(longest.Text()) {
			longest = u
		}
	}
	if longest.Key != "5" {
		t.Fatalf("longest unit is %s, the test expects article 5", longest.Key)
	}
	tests := []struct {
		budget   int
		format   Format
		messages int // 0: more than one, count not fixed
	}{
		{MaxMessage, HTML, 1},
		{MaxMessage, Plain, 1},
		{1000, HTML, 0},
		{300, HTML, 0},
		{150, HTML, 0}, // below the longest clause: clauses break at commas
		{150, Plain, 0},
		{90, HTML, 0}, // label-only headings
		{60, HTML, 0}, // no headings
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d_%d", tt.format, tt.budget), func(t *testing.T) {
			o := Options{Format: tt.format, Budget: tt.budget}
			msgs := Article(d, longest, o)
			if tt.messages > 0 && len(msgs) != tt.messages || tt.messages == 0 && len(msgs) < 2 {
				t.Fatalf("%d messages", len(msgs))
			}
			var bodies []string
			for i, m := range msgs {
				if Size(m) > tt.budget {
					t.Errorf("message %d: size %d over %d", i, Size(m), tt.budget)
				}
				body := m
				if tt.format == HTML {
					if err := checkHTML(m); err != nil {
						t.Errorf("message %d: %v", i, err)
					}
					body = strings.Join(quotations(m), "")
					if !strings.Contains(m, "<blockquote>") {
						body = textOf(m) // the bare frame of tiny budgets
					}
				} else {
					body = dropLines(m, map[bool]int{true: 2, false: 1}[i == 0])
				}
				if !strings.Contains(longest.Text(), body) {
					t.Errorf("message %d body %q is not verbatim text of the unit", i, body)
				}
				bodies = append(bodies, body)
			}
			joined := strings.ReplaceAll(strings.Join(bodies, ""), "\n", "")
			if want := strings.ReplaceAll(longest.Text(), "\n", ""); joined != want {
				t.Errorf("messages together:\n%s\nwant\n%s", joined, want)
			}
		})
	}
}

func dropLines(s string, n int) string {
	for range n {
		_, s, _ = strings.Cut(s, "\n")
	}
	return s
}

// TestProperties renders many inputs at many budgets: every HTML message must
// be accepted by Telegram, every reply must fit its budget, and quotations
// must be whole clauses (but for the one cut clause).
func TestProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	docs := []*retrieval.Document{dongyang(t), syntheticDoc(t)}
	var budgets []int
	for b := 1; b <= 80; b++ {
		budgets = append(budgets, b)
	}
	for b := 81; b < 2000; b += 37 {
		budgets = append(budgets, b)
	}
	budgets = append(budgets, MaxMessage)
	for _, d := range docs {
		for _, format := range []Format{HTML, Plain} {
			for i := 0; i < 60; i++ {
				r := randomResult(rng, d)
				c := randomCheck(rng, d)
				u := d.Units[rng.IntN(len(d.Units))]
				for _, b := range budgets {
					o := Options{Format: format, Budget: b, ShowDoc: rng.IntN(2) == 0, Hint: "试试<b>&\"目录\""}
					name := fmt.Sprintf("%s format %d budget %d case %d", d.Name, format, b, i)
					checkReply(t, name+" answer", d, o, []string{Answer(r, o)})
					checkReply(t, name+" check", d, o, []string{Check(c, o)})
					if i < 8 {
						checkReply(t, name+" article "+u.Key, d, o, Article(d, u, o))
					}
					if i == 0 {
						checkReply(t, name+" toc", d, o, TOC(d, o))
					}
				}
			}
		}
	}
}

func checkReply(t *testing.T, name string, d *retrieval.Document, o Options, msgs []string) {
	t.Helper()
	for _, m := range msgs {
		if Size(m) > o.Budget {
			t.Fatalf("%s: size %d over budget: %q", name, Size(m), m)
		}
		if o.Format != HTML {
			continue
		}
		if err := checkHTML(m); err != nil {
			t.Fatalf("%s: %v in %q", name, err, m)
		}
		if err := checkQuotations(d, m); err != nil && !strings.Contains(name, "article") {
			t.Fatalf("%s: %v in %q", name, err, m)
		}
	}
	if len(msgs) == 0 && (o.Format != HTML || o.Budget >= 8) {
		t.Fatalf("%s: no message", name)
	}
}

func randomResult(rng *rand.Rand, d *retrieval.Document) retrieval.Result {
	r := retrieval.Result{Query: []string{"交通", `<b>&"`, "", "很长的问题" + strings.Repeat("啊", 50)}[rng.IntN(4)], Found: rng.IntN(8) > 0}
	r.ArticleRef = rng.IntN(5) == 0
	for range 1 + rng.IntN(4) {
		u := d.Units[rng.IntN(len(d.Units))]
		h := retrieval.Hit{Doc: d, Unit: u, Score: rng.Float64()}
		for _, p := range u.Paragraphs {
			for _, id := range p.Clauses {
				if r.ArticleRef || rng.IntN(3) == 0 {
					h.Quotes = append(h.Quotes, randomMarks(rng, &d.Clauses[id]))
				}
			}
		}
		r.Hits = append(r.Hits, h)
	}
	return r
}

// randomMarks marks random byte ranges, some inside characters, some out of
// range, some empty or reversed.
func randomMarks(rng *rand.Rand, c *retrieval.Clause) retrieval.Quote {
	q := retrieval.Quote{Clause: c}
	for range rng.IntN(4) {
		s := rng.IntN(len(c.Text)+6) - 3
		q.Marks = append(q.Marks, retrieval.Span{Start: s, End: s + rng.IntN(30) - 3})
	}
	return q
}

func randomCheck(rng *rand.Rand, d *retrieval.Document) retrieval.CheckResult {
	c := retrieval.CheckResult{Phrase: []string{"交通", `<b>&"x`, strings.Repeat("长", 90)}[rng.IntN(3)]}
	switch rng.IntN(3) {
	case 0:
		c.Verbatim = true
		for range rng.IntN(12) {
			c.Locations = append(c.Locations, randomMarks(rng, &d.Clauses[rng.IntN(len(d.Clauses))]))
		}
		u := d.Units[rng.IntN(len(d.Units))]
		c.Titles = append(c.Titles, retrieval.TitleMatch{Doc: d, Unit: u, Marks: []retrieval.Span{{Start: 0, End: rng.IntN(9)}}})
	case 1:
		q := randomMarks(rng, &d.Clauses[rng.IntN(len(d.Clauses))])
		c.Closest = &q
		c.Diff = []retrieval.DiffOp{{Equal: true, Phrase: "交", Plan: "交"}, {Phrase: `<&"`, Plan: "通"}, {Phrase: "x"}, {Plan: "&"}}
	}
	return c
}
