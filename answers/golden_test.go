package answers

import (
	"testing"

	"planbot/retrieval"
)

// TestGolden renders real hits, checks and units of the plan in both formats
// and compares them with testdata/*.golden (go test ./answers/ -update).
func TestGolden(t *testing.T) {
	d := dongyang(t)
	hint := "发送 /toc 查看目录，或试试：人均预期寿命要达到多少岁"
	art5 := hit(d, 9.5, quote(t, d, "80.5", "人均预期寿命", "80.5岁"))
	art26 := hit(d, 7.25,
		quote(t, d, "统筹推进全市通用航空", "交通"),
		quote(t, d, "调整公交场站布局", "交通"))
	preface := hit(d, 3, quote(t, d, "认真学习贯彻", "十四五"))
	closing := hit(d, 2.5,
		quote(t, d, "意义重大、任务艰巨", "二〇三五年远景目标"),
		quote(t, d, "奋勇争先", "奋勇争先"))
	intro := hit(d, 2, quote(t, d, "人才强市、创新强市首位战略", "创新"))
	whole := retrieval.Hit{Doc: d, Unit: d.Article(26), Quotes: unitQuotes(d, "26"), Score: 1}
	film := "全球最强的影视产业基地"

	cases := []struct {
		name string
		run  func(o Options) string
	}{
		{"answer_article", func(o Options) string {
			return Answer(retrieval.Result{Query: "人均预期寿命要达到多少岁", Found: true, Hits: []retrieval.Hit{art5}}, o)
		}},
		{"answer_kinds", func(o Options) string {
			return Answer(retrieval.Result{Query: "交通", Found: true, Hits: []retrieval.Hit{art26, intro, preface, closing}}, o)
		}},
		{"answer_showdoc", func(o Options) string {
			o.ShowDoc = true
			return Answer(retrieval.Result{Query: "人均预期寿命", Found: true, Hits: []retrieval.Hit{art5}}, o)
		}},
		{"answer_article_ref", func(o Options) string {
			return Answer(retrieval.Result{Query: "第26条", Found: true, ArticleRef: true, Hits: []retrieval.Hit{whole}}, o)
		}},
		{"answer_article_ref_budget", func(o Options) string {
			o.Budget = 300
			return Answer(retrieval.Result{Query: "第26条", Found: true, ArticleRef: true, Hits: []retrieval.Hit{whole}}, o)
		}},
		{"answer_budget_drops", func(o Options) string {
			o.Budget = 400
			return Answer(retrieval.Result{Query: "交通", Found: true, Hits: []retrieval.Hit{art26, intro, preface, closing}}, o)
		}},
		{"answer_budget_cut", func(o Options) string {
			o.Budget = 120
			return Answer(retrieval.Result{Query: "交通", Found: true, Hits: []retrieval.Hit{art26}}, o)
		}},
		{"answer_not_found", func(o Options) string {
			o.Hint = hint
			return Answer(retrieval.Result{Query: `  <b>&"火星基地"  `}, o)
		}},
		{"check_verbatim", func(o Options) string {
			return Check(retrieval.CheckResult{Phrase: film, Verbatim: true, Locations: []retrieval.Quote{
				quote(t, d, "“万亩千亿”新产业平台", film),
				quote(t, d, "打造全球最强的影视产业基地", film),
			}}, o)
		}},
		{"check_titles", func(o Options) string {
			return Check(retrieval.CheckResult{Phrase: "科技创新", Verbatim: true,
				Titles: []retrieval.TitleMatch{
					{Doc: d, Unit: d.Unit("ch2"), Marks: []retrieval.Span{span(t, d.Unit("ch2").Title, "科技创新")}},
					{Doc: d, Unit: d.Article(7), Marks: []retrieval.Span{span(t, d.Article(7).Title, "科技创新")}},
				},
				Locations: []retrieval.Quote{quote(t, d, "在科技创新上实现攻坚突破", "科技创新")},
			}, o)
		}},
		{"check_closest", func(o Options) string {
			c := quote(t, d, "“万亩千亿”新产业平台", film)
			return Check(retrieval.CheckResult{Phrase: "全国最强的影视产业基地", Closest: &c, Diff: []retrieval.DiffOp{
				{Equal: true, Phrase: "全", Plan: "全"},
				{Phrase: "国", Plan: "球"},
				{Equal: true, Phrase: "最强的影视产业基地", Plan: "最强的影视产业基地"},
			}}, o)
		}},
		{"check_closest_extra_missing", func(o Options) string {
			c := quote(t, d, "人均预期寿命达到80.5岁", "人均预期寿命达到80.5岁")
			return Check(retrieval.CheckResult{Phrase: "人均寿命将达到80.5岁", Closest: &c, Diff: []retrieval.DiffOp{
				{Equal: true, Phrase: "人均", Plan: "人均"},
				{Phrase: "", Plan: "预期"},
				{Equal: true, Phrase: "寿命", Plan: "寿命"},
				{Phrase: "将", Plan: ""},
				{Equal: true, Phrase: "达到80.5岁", Plan: "达到80.5岁"},
			}}, o)
		}},
		{"check_nothing", func(o Options) string {
			o.Hint = hint
			return Check(retrieval.CheckResult{Phrase: `<b>&"量子"`}, o)
		}},
		{"article_5", func(o Options) string { return messages(Article(d, d.Article(5), o)) }},
		{"article_5_small", func(o Options) string {
			o.Budget = 700
			return messages(Article(d, d.Article(5), o))
		}},
		{"article_preface", func(o Options) string { return messages(Article(d, d.Unit("preface"), o)) }},
		{"article_intro", func(o Options) string { return messages(Article(d, d.Unit("ch2"), o)) }},
		{"toc", func(o Options) string { return messages(TOC(d, o)) }},
		{"toc_small", func(o Options) string {
			o.Budget = 500
			return messages(TOC(d, o))
		}},
	}
	for _, c := range cases {
		for _, f := range []struct {
			name   string
			format Format
		}{{"html", HTML}, {"plain", Plain}} {
			t.Run(c.name+"_"+f.name, func(t *testing.T) {
				golden(t, c.name+"_"+f.name, c.run(Options{Format: f.format}))
			})
		}
	}
}
