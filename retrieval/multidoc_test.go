package retrieval

import (
	"context"
	"testing"
)

// A second plan is data plus configuration: parsed with its own options, it
// is searched beside the first and every hit names its document.
func TestSecondPlan(t *testing.T) {
	second := []byte("网页残留\n某市关于制定某市十四五规划的建议\n(2021年1月1日通过)\n序言内容。\n一、总则\n1.大力发展萤火虫观赏产业。\n建设萤火虫保护区和观赏步道。\n结束语。\n")
	d2, err := Parse(second, ParseOptions{Name: "某市建议", SkipLines: 1, ClosingParagraphs: 1})
	if err != nil {
		t.Fatal(err)
	}
	if d2.ArticleCount() != 1 || d2.Unit("closing") == nil || d2.Adopted != "2021年1月1日通过" {
		t.Fatalf("second plan parsed wrong: %d articles, adopted %q", d2.ArticleCount(), d2.Adopted)
	}
	e, err := New(context.Background(), []*Document{dongyang(t), d2}, Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for q, want := range map[string]string{"萤火虫观赏步道": "某市建议", "杭温高铁": "东阳十四五建议"} {
		r, err := e.Search(context.Background(), q, 3)
		if err != nil || !r.Found {
			t.Fatalf("%s: %v %+v", q, err, r)
		}
		if got := r.Hits[0].Doc.Name; got != want {
			t.Errorf("%s: first hit from %q, want %q", q, got, want)
		}
	}
	r, _ := e.Search(context.Background(), "第1条", 3)
	if len(r.Hits) != 2 {
		t.Errorf("第1条 exists in both plans: %d hits", len(r.Hits))
	}
}
