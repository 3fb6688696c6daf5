package retrieval

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"planbot/seeds"
)

func dongyang(t testing.TB) *Document {
	t.Helper()
	d, err := Parse(seeds.Dongyang(), ParseOptions{Name: "东阳十四五建议", SkipLines: 1, ClosingParagraphs: 1})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestParseStructure(t *testing.T) {
	d := dongyang(t)
	if !strings.HasPrefix(d.Title, "中共东阳市委关于制定") || !strings.HasSuffix(d.Title, "远景目标的建议") {
		t.Errorf("title %q", d.Title)
	}
	if d.Adopted != "2021年1月15日中共东阳市委十五届九次全会通过" {
		t.Errorf("adopted %q", d.Adopted)
	}
	if len(d.Chapters) != 11 {
		t.Fatalf("%d chapters, want 11", len(d.Chapters))
	}
	titles := map[int]struct {
		title   string
		chapter int
	}{
		1:  {"“十三五”时期高水平全面建成小康社会取得突破性成果。", 1},
		5:  {"“十四五”时期经济社会发展主要目标。", 1},
		6:  {"大力集聚创新人才。", 2},
		26: {"构建现代化综合交通体系。", 6},
		34: {"创新“两山”转化实现机制。", 8},
		41: {"构建风险闭环管控的大平安机制。", 10},
		45: {"完善规划制订和落实机制。", 11},
	}
	n := 0
	for _, u := range d.Units {
		if u.Kind != KindArticle {
			continue
		}
		n++
		if u.Article != n || u.Key != strconv.Itoa(n) {
			t.Errorf("article %d out of order (key %s)", u.Article, u.Key)
		}
		if want, ok := titles[n]; ok && (u.Title != want.title || u.Chapter != want.chapter) {
			t.Errorf("article %d: %q in chapter %d, want %q in %d", n, u.Title, u.Chapter, want.title, want.chapter)
		}
	}
	if n != 45 {
		t.Errorf("%d articles, want 45", n)
	}
	if d.Unit("ch1") != nil {
		t.Error("chapter 一 has no introduction, but one was made")
	}
	for _, key := range []string{"preface", "ch2", "ch11", "closing"} {
		if d.Unit(key) == nil {
			t.Errorf("no unit %s", key)
		}
	}
	if got := len(d.Article(5).Paragraphs); got != 8 {
		t.Errorf("article 5 has %d paragraphs, want 8 (the ——努力打造 lines stay separate)", got)
	}
	if c := d.Unit("closing").Text(); !strings.HasPrefix(c, "实现“十四五”发展目标") {
		t.Errorf("closing %q", c)
	}
}

// Every non-space character of the source, but the residue line, lands in
// exactly one place: the title, the adoption note, a heading or a paragraph.
func TestParseLosesNothing(t *testing.T) {
	d := dongyang(t)
	src := string(seeds.Dongyang())
	src = src[strings.Index(src, "\n"):]
	var b strings.Builder
	for _, u := range d.Units {
		if u.Kind == KindChapterIntro || u.Kind == KindArticle && u.Article == d.Chapters[u.Chapter-1].Articles[0] && d.Unit("ch"+strconv.Itoa(u.Chapter)) == nil {
			ch := d.Chapters[u.Chapter-1]
			b.WriteString(ch.Numeral + "、" + ch.Title)
		}
		if u.Kind == KindArticle {
			b.WriteString(strconv.Itoa(u.Article) + "." + u.Title)
		}
		for _, p := range u.Paragraphs {
			var joined string
			for _, id := range p.Clauses {
				joined += d.Clauses[id].Text
			}
			if joined != p.Text {
				t.Errorf("clauses of a paragraph of %s do not join back to it", u.Label())
			}
			b.WriteString(joined)
		}
	}
	strip := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, s)
	}
	if got, want := strip(b.String()), strip(src); got != want {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Fatalf("reconstruction differs from the source at byte %d: %q vs %q", i, got[i:min(len(got), i+60)], want[i:min(len(want), i+60)])
	}
	for _, c := range d.Clauses {
		if strings.TrimSpace(c.Text) == "" {
			t.Errorf("empty clause in %s", c.Unit.Label())
		}
	}
}

func TestSplitClauses(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"甲。乙；丙;丁！戊!己？庚?", []string{"甲。", "乙；", "丙;", "丁！", "戊!", "己？", "庚?"}},
		{"全面推进“影视旅游名城。经济文化强市”建设。下一句", []string{"全面推进“影视旅游名城。经济文化强市”建设。", "下一句"}},
		{"未闭合“引号。之后", []string{"未闭合“引号。", "之后"}},
		{"没有标点", []string{"没有标点"}},
		{"", nil},
	} {
		got := SplitClauses(tc.in)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("SplitClauses(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseRejectsMalformed(t *testing.T) {
	for name, text := range map[string][]byte{
		"not utf-8":   {0xff, 0xfe, '\n', 'a'},
		"too short":   []byte("residue\n标题\n"),
		"no chapters": []byte("residue\n标题\n（通过）\n序言。\n结语。\n"),
	} {
		if _, err := Parse(text, ParseOptions{SkipLines: 1, ClosingParagraphs: 1}); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", name, err)
		}
	}
}

func TestNumerals(t *testing.T) {
	for s, want := range map[string]int{"一": 1, "十": 10, "十一": 11, "二十": 20, "四十五": 45, "一百零三": 103, "二〇三五": 2035, "x": -1} {
		if got := chineseToInt(s); got != want {
			t.Errorf("chineseToInt(%q) = %d, want %d", s, got, want)
		}
	}
	for n, want := range map[int]string{1: "一", 10: "十", 11: "十一", 20: "二十", 45: "四十五"} {
		if got := chineseNumeral(n); got != want {
			t.Errorf("chineseNumeral(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"ＧＤＰ２０２０年":  "gdp2020年",
		"二〇三五年远景目标": "2035年远景目标",
		"二〇二〇年":     "2020年",
		"十四五":       "十四五",
		"2∶42∶56":   "2:42:56",
		"一二三":       "一二三",
		"Ⅲ类水质":      "ⅲ类水质",
		"全角，标点；！":   "全角,标点;!",
		"第十二条":      "第十二条",
		"　全角空格":     " 全角空格",
	} {
		got := Normalize(in)
		if got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
		if len([]rune(got)) != len([]rune(in)) {
			t.Errorf("Normalize(%q) changed the rune count", in)
		}
	}
}
