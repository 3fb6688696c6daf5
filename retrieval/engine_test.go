package retrieval

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/search/query"

	"planbot/seeds"
)

var (
	engineOnce sync.Once
	testEngine *Engine
	engineErr  error
)

// sharedEngine builds the real engine once per test binary: loading jieba
// costs about half a second.
func sharedEngine(t testing.TB) *Engine {
	t.Helper()
	engineOnce.Do(func() {
		d, err := Parse(seeds.Dongyang(), ParseOptions{Name: "东阳十四五建议", SkipLines: 1, ClosingParagraphs: 1})
		if err != nil {
			engineErr = err
			return
		}
		testEngine, engineErr = New(context.Background(), []*Document{d}, Options{CacheDir: os.TempDir()})
	})
	if engineErr != nil {
		t.Fatal(engineErr)
	}
	return testEngine
}

func analyzeTerms(t *testing.T, e *Engine, analyzer, text string) []string {
	t.Helper()
	a := e.idx.Mapping().AnalyzerNamed(analyzer)
	if a == nil {
		t.Fatalf("no analyzer %s", analyzer)
	}
	var out []string
	for _, tok := range a.Analyze([]byte(Normalize(text))) {
		out = append(out, string(tok.Term))
	}
	return out
}

// The same term must produce the same tokens in a question and inside the
// document, where jieba's general dictionary cuts it apart (林|长|制).
func TestSegmentationConsistency(t *testing.T) {
	e := sharedEngine(t)
	for _, tc := range []struct{ question, passage, term string }{
		{"林长制", "落实河长制、塘长制和林长制,构建公众", "林长制"},
		{"县管校聘", "深化“县管校聘”改革,创", "县管校聘"},
		{"千祥镇怎么发展", "积极推动南马、巍山、歌山、千祥等中心镇", "千祥"},
		{"无废城市", "完成省级“无废城市”创建", "无废城市"},
		{"5G网络", "加快5G网络建设", "5g"},
		{"G60科创走廊", "G60科创走廊", "g60"},
		{"IPv6", "推进IPv6规模部署", "ipv6"},
		{"二〇三五年", "到2035年", "2035"},
		{"人均预期寿命80.5岁", "人均预期寿命达到80.5岁", "80.5"},
		{"Ⅲ类水", "水质稳定达到Ⅲ类", "ⅲ"},
	} {
		q := analyzeTerms(t, e, "planbot_words", tc.question)
		p := analyzeTerms(t, e, "planbot_words", tc.passage)
		if !contains(q, tc.term) || !contains(p, tc.term) {
			t.Errorf("%s: word tokens question=%q passage=%q, both should hold %q", tc.question, q, p, tc.term)
		}
		qb := analyzeTerms(t, e, cjk.AnalyzerName, tc.question)
		pb := analyzeTerms(t, e, cjk.AnalyzerName, tc.passage)
		if !overlaps(qb, pb) {
			t.Errorf("%s: bigram tokens share nothing: %q vs %q", tc.question, qb, pb)
		}
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		if contains(b, x) {
			return true
		}
	}
	return false
}

// NewMemOnly silently ignores BM25; the engine's in-memory scorch index must
// not. Explain names the scoring model in its description.
func TestBM25IsActive(t *testing.T) {
	e := sharedEngine(t)
	q := bleve.NewMatchQuery("杭温高铁")
	q.SetField(fieldWords)
	req := bleve.NewSearchRequest(query.Query(q))
	req.Explain = true
	res, err := e.idx.Search(req)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 {
		t.Fatal("no hits for 杭温高铁")
	}
	if ex := res.Hits[0].Expl.String(); !strings.Contains(strings.ToLower(ex), "bm25") {
		t.Fatalf("explanation does not mention BM25:\n%s", ex)
	}
}

func TestSearch(t *testing.T) {
	e := sharedEngine(t)
	for _, tc := range []struct {
		q        string
		first    string // unit key of the first hit; "" = not found
		quote    string // the first hit's quotes contain this
		verbatim bool
	}{
		{"人均预期寿命要达到多少岁", "5", "80.5", false},
		{"“三线一单”在哪一条", "34", "三线一单", true},
		{"林长制", "34", "林长制", true},
		{"GDP目标", "5", "地区生产总值", false},
		{"看病难不难", "37", "", false},
		{"东阳会通轻轨吗", "26", "轻轨", false},
		{"诈骗", "41", "电信网络", false},
		{"非遗传承", "28", "非物质文化遗产", false},
		{"第12条", "12", "", true},
		{"第十二条", "12", "", true},
		{"12条", "12", "", true},
		{"第99条", "", "", false},
		{"+a -b \"c\" d:e ^2 ~1 *", "", "", false},
		{"明天东阳天气怎么样", "", "", false},
		{"怎么办理护照", "", "", false},
		{"红烧肉怎么做好吃", "", "", false},
		{"今晚足球比赛谁赢了", "", "", false},
	} {
		res, err := e.Search(context.Background(), tc.q, 3)
		if err != nil {
			t.Errorf("%s: %v", tc.q, err)
			continue
		}
		if tc.first == "" {
			if res.Found {
				t.Errorf("%s: answered with %s, want not found", tc.q, res.Hits[0].Unit.Label())
			}
			continue
		}
		if !res.Found || len(res.Hits) == 0 {
			t.Errorf("%s: not found, want %s", tc.q, tc.first)
			continue
		}
		h := res.Hits[0]
		if h.Unit.Key != tc.first {
			t.Errorf("%s: first hit %s, want %s", tc.q, h.Unit.Key, tc.first)
		}
		var text string
		for _, qu := range h.Quotes {
			text += qu.Clause.Text
			for _, m := range qu.Marks {
				if m.Start < 0 || m.End > len(qu.Clause.Text) || m.Start >= m.End {
					t.Errorf("%s: bad mark %+v", tc.q, m)
				}
			}
		}
		if !strings.Contains(text, tc.quote) {
			t.Errorf("%s: quotes %q lack %q", tc.q, text, tc.quote)
		}
		if tc.verbatim && !h.Verbatim {
			t.Errorf("%s: want a verbatim hit", tc.q)
		}
	}
}

func TestSearchRefusesBadInput(t *testing.T) {
	e := sharedEngine(t)
	for q, want := range map[string]error{"": ErrEmptyQuery, "  ？！。": ErrEmptyQuery, "\xff\xfe": ErrInvalidUTF8} {
		if _, err := e.Search(context.Background(), q, 3); err != want {
			t.Errorf("Search(%q) err = %v, want %v", q, err, want)
		}
	}
	long := strings.Repeat("东阳", 10000)
	if _, err := e.Search(context.Background(), long, 3); err != nil {
		t.Errorf("a long question should be cut, not refused: %v", err)
	}
	// White space does not count against the limit (found by FuzzQuestion:
	// 500 spaces and a question were cut to nothing).
	padded := strings.Repeat(" ", MaxQueryRunes) + "人均预期寿命\n\n" + strings.Repeat("\t", MaxQueryRunes) + "要达到多少岁"
	if r, err := e.Search(context.Background(), padded, 3); err != nil || !r.Found || r.Hits[0].Unit.Key != "5" {
		t.Errorf("a question padded with white space: found=%v err=%v", r.Found, err)
	}
}

func TestCheck(t *testing.T) {
	e := sharedEngine(t)
	ctx := context.Background()
	r, err := e.Check(ctx, "打造全国最强的影视产业基地")
	if err != nil {
		t.Fatal(err)
	}
	if r.Verbatim || r.Closest == nil || r.Closest.Clause.Unit.Key != "10" {
		t.Fatalf("want not verbatim, closest in 第10条: %+v", r)
	}
	var diffs []string
	for _, d := range r.Diff {
		if !d.Equal {
			diffs = append(diffs, d.Phrase+"→"+d.Plan)
		}
	}
	if strings.Join(diffs, ",") != "国→球" {
		t.Errorf("diff %q, want 国→球", diffs)
	}
	m := r.Closest.Marks[0]
	if got := r.Closest.Clause.Text[m.Start:m.End]; got != "打造全球最强的影视产业基地" {
		t.Errorf("closest mark %q", got)
	}

	r, _ = e.Check(ctx, "“三线一单”")
	if !r.Verbatim || len(r.Locations) != 1 || r.Locations[0].Clause.Unit.Key != "34" {
		t.Errorf("三线一单: %+v", r)
	}
	// Punctuation width and spaces are ignored: the plan has ASCII ",".
	r, _ = e.Check(ctx, "全面对接长三角一体化国家战略， 加强战略融入")
	if !r.Verbatim {
		t.Errorf("width-folded phrase not found verbatim")
	}
	// Every place: 十四五 occurs in clauses and in titles.
	r, _ = e.Check(ctx, "十四五")
	if len(r.Locations) < 5 || len(r.Titles) < 3 {
		t.Errorf("十四五: %d clause and %d title locations", len(r.Locations), len(r.Titles))
	}
	r, _ = e.Check(ctx, "量子计算机产业园区")
	if r.Verbatim || r.Closest != nil {
		t.Errorf("nothing is close to 量子计算机产业园区, got %+v", r.Closest)
	}
	if _, err := e.Check(ctx, strings.Repeat("长", MaxCheckRunes+1)); err != ErrTooLong {
		t.Errorf("overlong phrase: %v", err)
	}
}

func loadQuestions(t testing.TB, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var qs []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var c struct{ Q string }
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			t.Fatal(err)
		}
		qs = append(qs, c.Q)
	}
	return qs
}

func TestVagueAndMissingArticle(t *testing.T) {
	e := sharedEngine(t)
	r, err := e.Search(context.Background(), "东阳十四五怎么样", 3)
	if err != nil || r.Found || !r.Vague {
		t.Errorf("vague question: %+v %v", r, err)
	}
	r, _ = e.Search(context.Background(), "第99条", 3)
	if r.Found || !r.ArticleRef || r.ArticleMax != 45 {
		t.Errorf("第99条: %+v", r)
	}
}
