package answers

import (
	"strings"
	"testing"
	"unicode/utf8"

	"planbot/retrieval"
)

func TestMarked(t *testing.T) {
	sp := func(s, e int) retrieval.Span { return retrieval.Span{Start: s, End: e} }
	const zh = "人均预期寿命" // 3 bytes a character
	tests := []struct {
		name  string
		text  string
		marks []retrieval.Span
		want  string
	}{
		{"none", "abc", nil, "abc"},
		{"middle", "abcde", []retrieval.Span{sp(1, 3)}, "a<b>bc</b>de"},
		{"start", "abcde", []retrieval.Span{sp(0, 2)}, "<b>ab</b>cde"},
		{"end", "abcde", []retrieval.Span{sp(3, 5)}, "abc<b>de</b>"},
		{"whole", "abc", []retrieval.Span{sp(0, 3)}, "<b>abc</b>"},
		{"overlapping", "abcdef", []retrieval.Span{sp(1, 4), sp(2, 5)}, "a<b>bcde</b>f"},
		{"adjacent merge", "abcdef", []retrieval.Span{sp(1, 3), sp(3, 5)}, "a<b>bcde</b>f"},
		{"contained", "abcdef", []retrieval.Span{sp(1, 5), sp(2, 3)}, "a<b>bcde</b>f"},
		{"unsorted", "abcdef", []retrieval.Span{sp(4, 5), sp(0, 1)}, "<b>a</b>bcd<b>e</b>f"},
		{"apart", "abcdef", []retrieval.Span{sp(0, 1), sp(2, 3)}, "<b>a</b>b<b>c</b>def"},
		{"multi-byte", zh, []retrieval.Span{sp(6, 12)}, "人均<b>预期</b>寿命"},
		{"inside a character widens", zh, []retrieval.Span{sp(7, 11)}, "人均<b>预期</b>寿命"},
		{"ends inside the last character", zh, []retrieval.Span{sp(16, 17)}, "人均预期寿<b>命</b>"},
		{"out of range clipped", "abc", []retrieval.Span{sp(-5, 2), sp(2, 99)}, "<b>abc</b>"},
		{"out of range ignored", "abc", []retrieval.Span{sp(3, 9), sp(7, 9), sp(2, 1), sp(1, 1)}, "abc"},
		{"escaped inside and out", `a<b&c"d`, []retrieval.Span{sp(1, 3)}, `a<b>&lt;b</b>&amp;c&quot;d`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := style{html: true}.marked(tt.text, tt.marks)
			if got != tt.want {
				t.Errorf("marked = %q, want %q", got, tt.want)
			}
			if err := checkHTML(got); err != nil {
				t.Error(err)
			}
			if plain := (style{}).marked(tt.text, tt.marks); plain != tt.text {
				t.Errorf("plain marked = %q, want the text unchanged", plain)
			}
		})
	}
}

// TestEscaping puts markup characters in everything that comes from the user:
// HTML escapes them, Plain leaves them as typed.
func TestEscaping(t *testing.T) {
	const evil = `<b>&"`
	d := dongyang(t)
	c := quote(t, d, "人均预期寿命达到80.5岁", "80.5岁")
	tests := []struct {
		name string
		run  func(Options) string
	}{
		{"not found query", func(o Options) string { return Answer(retrieval.Result{Query: evil}, o) }},
		{"hint", func(o Options) string { o.Hint = evil; return Answer(retrieval.Result{Query: "x"}, o) }},
		{"check verbatim phrase", func(o Options) string {
			return Check(retrieval.CheckResult{Phrase: evil, Verbatim: true, Locations: []retrieval.Quote{c}}, o)
		}},
		{"check closest phrase and diff", func(o Options) string {
			return Check(retrieval.CheckResult{Phrase: evil, Closest: &c, Diff: []retrieval.DiffOp{{Phrase: evil, Plan: "80.5岁"}}}, o)
		}},
		{"check nothing", func(o Options) string { return Check(retrieval.CheckResult{Phrase: evil}, o) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.run(Options{Format: HTML})
			if err := checkHTML(h); err != nil {
				t.Errorf("%v in %q", err, h)
			}
			if !strings.Contains(h, "&lt;b&gt;&amp;&quot;") {
				t.Errorf("HTML %q does not carry the escaped input", h)
			}
			if p := tt.run(Options{Format: Plain}); !strings.Contains(p, evil) {
				t.Errorf("plain %q does not carry the input as typed", p)
			}
		})
	}
}

func TestNotFound(t *testing.T) {
	d := dongyang(t)
	tests := []struct {
		name string
		r    retrieval.Result
		o    Options
		want string
	}{
		{"with hint", retrieval.Result{Query: " 火星基地 "}, Options{Hint: "planbot toc"},
			"规划中没有找到与“火星基地”直接相关的内容。\nplanbot toc"},
		{"no hint", retrieval.Result{Query: "火星基地"}, Options{}, "规划中没有找到与“火星基地”直接相关的内容。"},
		{"empty query", retrieval.Result{}, Options{}, "规划中没有找到相关内容。"},
		{"hits but not found are not shown", retrieval.Result{Query: "寿命", Hits: []retrieval.Hit{hit(d, 1, quote(t, d, "80.5"))}},
			Options{}, "规划中没有找到与“寿命”直接相关的内容。"},
		{"found without quotes", retrieval.Result{Query: "寿命", Found: true, Hits: []retrieval.Hit{{Doc: d, Unit: d.Article(5)}}},
			Options{}, "规划中没有找到与“寿命”直接相关的内容。"},
		{"long query shortened", retrieval.Result{Query: strings.Repeat("火", 100)}, Options{Budget: 30},
			"规划中没有找到与“" + strings.Repeat("火", 11) + "…”直接相关的内容。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Answer(tt.r, tt.o); got != tt.want {
				t.Errorf("Answer = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestUnitHeadings(t *testing.T) {
	d := dongyang(t)
	tests := []struct {
		key, head, chapter string
	}{
		{"5", "第5条 “十四五”时期经济社会发展主要目标", "第一章 开启高水平现代化建设新征程,谱写“重要窗口”时代新篇章"},
		{"44", "第44条 全面涵养风清气正、实干担当的良好政治生态", "第十一章 全面加强党的领导,为实现“十四五”规划和二〇三五年远景目标提供坚强保证"},
		{"ch2", "第二章引言", "第二章 以要素集聚为关键整体提升科技创新水平"},
		{"preface", "序言", ""},
		{"closing", "结束语", ""},
	}
	for _, tt := range tests {
		u := d.Unit(tt.key)
		if h := headLine(u, ""); h != tt.head {
			t.Errorf("headLine(%s) = %q, want %q", tt.key, h, tt.head)
		}
		if c := chapterLine(u); c != tt.chapter {
			t.Errorf("chapterLine(%s) = %q, want %q", tt.key, c, tt.chapter)
		}
	}
}

func TestNumeral(t *testing.T) {
	for n, want := range map[int]string{1: "一", 9: "九", 10: "十", 11: "十一", 19: "十九", 20: "二十", 21: "二十一", 99: "九十九", 0: "0", 100: "100"} {
		if got := numeral(n); got != want {
			t.Errorf("numeral(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestSize(t *testing.T) {
	for s, want := range map[string]int{"": 0, "abc": 3, "人均": 2, "<b>x</b>": 8, "😀": 2, "&amp;": 5} {
		if got := Size(s); got != want {
			t.Errorf("Size(%q) = %d, want %d", s, got, want)
		}
		if Size(s) < utf8.RuneCountInString(s) {
			t.Errorf("Size(%q) counts fewer than its runes", s)
		}
	}
}

func TestSnippet(t *testing.T) {
	d := dongyang(t)
	h := hit(d, 1, quote(t, d, "80.5"), quote(t, d, "实现更加充分高质量就业"))
	text := h.Quotes[0].Clause.Text
	tests := []struct {
		name string
		h    retrieval.Hit
		max  int
		want string
	}{
		{"whole", h, 1000, text},
		{"exactly", h, utf8.RuneCountInString(text), text},
		{"at a comma", h, 22, "公共服务标准化、均衡化和优质化水平不断提高…"},
		{"one short of the comma", h, 21, "公共服务标准化…"},
		{"at an enumeration comma", h, 12, "公共服务标准化…"},
		{"no boundary fits", h, 5, "公共服务…"},
		{"one", h, 1, "…"},
		{"zero", h, 0, ""},
		{"no quotes: the title", retrieval.Hit{Unit: d.Article(26)}, 50, "构建现代化综合交通体系"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Snippet(tt.h, tt.max)
			if got != tt.want {
				t.Errorf("Snippet(%d) = %q, want %q", tt.max, got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > max(tt.max, 0) {
				t.Errorf("Snippet(%d) has %d runes", tt.max, n)
			}
		})
	}
}

func TestJSON(t *testing.T) {
	d := dongyang(t)
	r := retrieval.Result{Query: "交通", Found: true, Hits: []retrieval.Hit{
		hit(d, 7.25, quote(t, d, "统筹推进全市通用航空", "交通"), quote(t, d, "调整公交场站布局")),
		hit(d, 2, quote(t, d, "人才强市、创新强市首位战略")),
		hit(d, 1.5, quote(t, d, "认真学习贯彻")),
		hit(d, 1, quote(t, d, "意义重大、任务艰巨"), quote(t, d, "奋勇争先")),
		hit(d, 0.5, quote(t, d, "锚定二〇三五年远景目标"), quote(t, d, "——努力打造实力雄厚")),
	}}
	got := JSON(r)
	c := func(sub string) string { return clauseWith(t, d, sub).Text }
	want := []JSONHit{
		{Article: 26, Chapter: 6, Title: "构建现代化综合交通体系。", Score: 7.25, Unit: "26",
			Quote: c("统筹推进全市通用航空") + "……" + c("调整公交场站布局")},
		{Article: 0, Chapter: 2, Title: "以要素集聚为关键整体提升科技创新水平", Score: 2, Unit: "ch2", Quote: c("人才强市、创新强市首位战略")},
		{Article: 0, Chapter: 0, Title: "序言", Score: 1.5, Unit: "preface", Quote: c("认真学习贯彻")},
		{Article: 0, Chapter: 0, Title: "结束语", Score: 1, Unit: "closing", Quote: c("意义重大、任务艰巨") + c("奋勇争先")},
		{Article: 5, Chapter: 1, Title: "“十四五”时期经济社会发展主要目标。", Score: 0.5, Unit: "5",
			Quote: c("锚定二〇三五年远景目标") + "\n" + c("——努力打造实力雄厚")},
	}
	if got.Query != "交通" || !got.Found || len(got.Hits) != len(want) {
		t.Fatalf("JSON = %+v", got)
	}
	for i := range want {
		if got.Hits[i] != want[i] {
			t.Errorf("hit %d = %+v\nwant %+v", i, got.Hits[i], want[i])
		}
	}
	if empty := JSON(retrieval.Result{Query: "x"}); empty.Hits == nil || len(empty.Hits) != 0 {
		t.Errorf("no hits: Hits = %#v, want an empty slice", empty.Hits)
	}
}
